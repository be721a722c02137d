package io.atrium.server.auth;

import io.atrium.server.store.SipDigest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SIP digest arithmetic (RFC 3261 22.4 over RFC 2617, with RFC 8760's SHA-256): HA1 when a password is
 * set, and the response a phone must send for a challenge. The password itself is never kept.
 */
public final class SipDigests {

    public static final String SHA256 = "SHA-256";
    public static final String MD5 = "MD5";
    /** The algorithms Atrium stores and offers, most preferred first (RFC 8760 2.4). */
    public static final List<String> ALGORITHMS = List.of(SHA256, MD5);

    private SipDigests() {
    }

    /** The HA1 of every supported algorithm for this username, realm and password. */
    public static List<SipDigest> forPassword(String username, String realm, String password) {
        return ALGORITHMS.stream()
                .map(a -> new SipDigest(realm, a, hash(a, username + ":" + realm + ":" + password)))
                .toList();
    }

    /**
     * The expected {@code response}: with {@code qop=auth}
     * {@code H(HA1:nonce:nc:cnonce:qop:H(method:uri))}, without qop {@code H(HA1:nonce:H(method:uri))}.
     */
    public static String response(String algorithm, String ha1, String method, String uri, String nonce,
                                  String nc, String cnonce, String qop) {
        String ha2 = hash(algorithm, method + ":" + uri);
        String text = qop == null || qop.isEmpty() ? ha1 + ":" + nonce + ":" + ha2
                : ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2;
        return hash(algorithm, text);
    }

    /** Lower-case hex of {@code algorithm} over the UTF-8 bytes of {@code text}. */
    public static String hash(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unsupported digest algorithm " + algorithm, e);
        }
    }

    /** Constant-time comparison of two hex strings. */
    public static boolean equal(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                actual.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
