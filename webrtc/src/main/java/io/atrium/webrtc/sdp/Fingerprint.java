package io.atrium.webrtc.sdp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The certificate fingerprint attribute (RFC 8122 §5), used for DTLS-SRTP (RFC 5763 §5).
 *
 * <pre>
 *  a=fingerprint:&lt;hash-func&gt; &lt;fingerprint&gt;
 *  fingerprint = 2UHEX *(":" 2UHEX)
 *  a=fingerprint:sha-256 D2:FA:0E:C3:...:25 (32 bytes)
 * </pre>
 *
 * Hex digits of either case are accepted; they are written in upper case. The length is checked
 * for the known hash functions (md2, md5, sha-1, sha-224, sha-256, sha-384, sha-512).
 */
public final class Fingerprint implements SdpAttribute {

    private final String hashFunction;
    private final byte[] value;

    /**
     * @param hashFunction the hash function name, stored in lower case (RFC 8122 §5 names are case-insensitive)
     * @param value        the digest bytes; copied
     */
    public Fingerprint(String hashFunction, byte[] value) {
        String h = SdpText.token(hashFunction, 32, "fingerprint hash function").toLowerCase(Locale.ROOT);
        if (value.length < 1 || value.length > SdpLimits.MAX_FINGERPRINT_BYTES) {
            throw new SdpException("fingerprint must be 1 to " + SdpLimits.MAX_FINGERPRINT_BYTES + " bytes");
        }
        int expected = expectedLength(h);
        if (expected > 0 && value.length != expected) {
            throw new SdpException("fingerprint for " + h + " must be " + expected + " bytes, found " + value.length);
        }
        this.hashFunction = h;
        this.value = value.clone();
    }

    /** Returns the SHA-256 fingerprint of a DER-encoded certificate. */
    public static Fingerprint sha256Of(byte[] derCertificate) {
        try {
            return new Fingerprint("sha-256", MessageDigest.getInstance("SHA-256").digest(derCertificate));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
    }

    private static int expectedLength(String hash) {
        return switch (hash) {
            case "md2", "md5" -> 16;
            case "sha-1" -> 20;
            case "sha-224" -> 28;
            case "sha-256" -> 32;
            case "sha-384" -> 48;
            case "sha-512" -> 64;
            default -> 0;
        };
    }

    /** Parses the value of {@code a=fingerprint}. */
    public static Fingerprint parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() != 2) {
            throw new SdpException("a=fingerprint needs '<hash-func> <hex:hex:...>', found " + t.size() + " fields");
        }
        String hex = t.get(1);
        if (hex.length() > SdpLimits.MAX_FINGERPRINT_BYTES * 3 || (hex.length() + 1) % 3 != 0) {
            throw new SdpException("fingerprint '" + SdpException.excerpt(hex) + "' is not hex pairs separated by ':'");
        }
        byte[] bytes = new byte[(hex.length() + 1) / 3];
        for (int i = 0; i < bytes.length; i++) {
            int hi = Character.digit(hex.charAt(i * 3), 16);
            int lo = Character.digit(hex.charAt(i * 3 + 1), 16);
            boolean sepOk = i == bytes.length - 1 || hex.charAt(i * 3 + 2) == ':';
            if (hi < 0 || lo < 0 || !sepOk || !isAsciiHex(hex.charAt(i * 3)) || !isAsciiHex(hex.charAt(i * 3 + 1))) {
                throw new SdpException("fingerprint has bad hex at byte " + (i + 1));
            }
            bytes[i] = (byte) (hi << 4 | lo);
        }
        return new Fingerprint(t.get(0), bytes);
    }

    private static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** The hash function name in lower case, e.g. {@code sha-256}. */
    public String hashFunction() {
        return hashFunction;
    }

    /** A copy of the digest bytes. */
    public byte[] value() {
        return value.clone();
    }

    /** True when {@code digest} equals this fingerprint's bytes, compared in constant time. */
    public boolean matches(byte[] digest) {
        return MessageDigest.isEqual(value, digest);
    }

    @Override
    public String attributeName() {
        return "fingerprint";
    }

    @Override
    public String attributeValue() {
        StringBuilder sb = new StringBuilder(hashFunction.length() + 1 + value.length * 3);
        sb.append(hashFunction).append(' ');
        for (int i = 0; i < value.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.toUpperCase(Character.forDigit((value[i] >> 4) & 0xf, 16)));
            sb.append(Character.toUpperCase(Character.forDigit(value[i] & 0xf, 16)));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && f.hashFunction.equals(hashFunction) && Arrays.equals(f.value, value);
    }

    @Override
    public int hashCode() {
        return hashFunction.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Fingerprint[" + attributeValue() + "]";
    }
}
