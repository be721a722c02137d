package io.atrium.webrtc.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A certificate fingerprint as carried in the SDP {@code a=fingerprint} attribute (RFC 8122 section 5),
 * used to bind the self-signed DTLS certificate to the signalled session (RFC 8827 section 6.5,
 * RFC 5763 section 5).
 *
 * <pre>
 *   fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint
 *   hash-func             = "sha-1" / "sha-224" / "sha-256" / "sha-384" / "sha-512" / token
 *   fingerprint           = 2UHEX *(":" 2UHEX)      ; the hash of the DER certificate
 *
 *   example value:  sha-256 4A:AD:B9:B1:3F:...:E5:7C:AB     (32 bytes, 95 hex/colon characters)
 * </pre>
 *
 * <p>This type holds the attribute <em>value</em> (without {@code a=fingerprint:}). {@link #parse}
 * accepts upper or lower case hex and hash names, as peers in the wild send both, and returns empty
 * for anything malformed instead of throwing. MD5 and MD2 are refused (RFC 8122 section 5: they MUST NOT
 * be used). {@link #toSdpValue()} always writes the canonical form: lower-case hash name, upper-case hex.
 */
public final class DtlsFingerprint {

    /** Longest attribute value {@link #parse} looks at: "sha-512" + SP + 64 bytes as hex pairs. */
    public static final int MAX_VALUE_LENGTH = 256;

    /** The hash every WebRTC endpoint must support (RFC 8827 section 6.5). */
    public static final String SHA_256 = "sha-256";

    private static final String[][] HASHES = {
        // SDP name, JCA name
        {"sha-1", "SHA-1"},
        {"sha-224", "SHA-224"},
        {SHA_256, "SHA-256"},
        {"sha-384", "SHA-384"},
        {"sha-512", "SHA-512"},
    };
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String hashFunction;
    private final byte[] digest;

    private DtlsFingerprint(String hashFunction, byte[] digest) {
        this.hashFunction = hashFunction;
        this.digest = digest;
    }

    /** The SHA-256 fingerprint of a DER-encoded certificate. */
    public static DtlsFingerprint sha256(byte[] derCertificate) {
        return new DtlsFingerprint(SHA_256, digest(SHA_256, derCertificate));
    }

    /**
     * Parses an {@code a=fingerprint} value such as {@code "sha-256 AB:CD:..."}.
     *
     * @return the fingerprint, or empty if the value is null, too long, names an unsupported hash, or
     *         is not exactly the hash's length in colon-separated hex pairs
     */
    public static Optional<DtlsFingerprint> parse(String value) {
        if (value == null || value.length() > MAX_VALUE_LENGTH) {
            return Optional.empty();
        }
        String text = value.strip();
        int space = text.indexOf(' ');
        if (space <= 0) {
            return Optional.empty();
        }
        String hash = text.substring(0, space).toLowerCase(Locale.ROOT);
        if (jcaName(hash) == null) {
            return Optional.empty();
        }
        String hex = text.substring(space + 1).stripLeading();
        byte[] bytes = decodeHexPairs(hex);
        if (bytes == null || bytes.length != digestLength(hash)) {
            return Optional.empty();
        }
        return Optional.of(new DtlsFingerprint(hash, bytes));
    }

    /** The hash function name as written in SDP, lower case (for example {@code sha-256}). */
    public String hashFunction() {
        return hashFunction;
    }

    /** A copy of the digest bytes. */
    public byte[] digest() {
        return digest.clone();
    }

    /**
     * True if {@code derCertificate} hashes, with this fingerprint's hash function, to this
     * fingerprint. The comparison takes the same time wherever the first difference is.
     */
    public boolean matches(byte[] derCertificate) {
        return derCertificate != null && MessageDigest.isEqual(digest, digest(hashFunction, derCertificate));
    }

    /** The canonical attribute value: {@code "sha-256 AB:CD:..."}, upper-case hex. */
    public String toSdpValue() {
        StringBuilder out = new StringBuilder(hashFunction.length() + 1 + digest.length * 3);
        out.append(hashFunction).append(' ');
        for (int i = 0; i < digest.length; i++) {
            if (i > 0) {
                out.append(':');
            }
            out.append(HEX[(digest[i] >> 4) & 0x0F]).append(HEX[digest[i] & 0x0F]);
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtlsFingerprint other
                && hashFunction.equals(other.hashFunction)
                && Arrays.equals(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return 31 * hashFunction.hashCode() + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return toSdpValue();
    }

    /** "AB:CD:..." to bytes; null unless the text is one or more hex pairs joined by single colons. */
    private static byte[] decodeHexPairs(String hex) {
        int length = hex.length();
        if (length < 2 || (length + 1) % 3 != 0) {
            return null;
        }
        byte[] out = new byte[(length + 1) / 3];
        for (int i = 0, pos = 0; i < out.length; i++, pos += 3) {
            int high = hexValue(hex.charAt(pos));
            int low = hexValue(hex.charAt(pos + 1));
            if (high < 0 || low < 0) {
                return null;
            }
            if (pos + 2 < length && hex.charAt(pos + 2) != ':') {
                return null;
            }
            out[i] = (byte) ((high << 4) | low);
        }
        return out;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static String jcaName(String sdpName) {
        for (String[] hash : HASHES) {
            if (hash[0].equals(sdpName)) {
                return hash[1];
            }
        }
        return null;
    }

    private static int digestLength(String sdpName) {
        return newDigest(sdpName).getDigestLength();
    }

    private static byte[] digest(String sdpName, byte[] data) {
        return newDigest(sdpName).digest(Objects.requireNonNull(data, "data"));
    }

    private static MessageDigest newDigest(String sdpName) {
        try {
            return MessageDigest.getInstance(jcaName(sdpName));
        } catch (NoSuchAlgorithmException e) {
            throw new DtlsException("JDK lacks " + sdpName + ", which every Java SE runtime must provide", e);
        }
    }
}
