package io.atrium.webrtc.srtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA1 (RFC 2104) over two reused JCA {@code SHA-1} digests, writing into caller arrays.
 *
 * <p>{@code javax.crypto.Mac.doFinal(byte[], int)} allocates the MAC (and the JDK's HMAC allocates
 * the inner hash) on every call; {@code MessageDigest.digest(byte[], int, int)} does not, and SHA-1
 * compression is a JVM intrinsic either way.
 *
 * <p>Each MAC re-digests the 64-octet inner and outer pads (two extra SHA-1 compressions, about
 * 9 % of a 1200-octet packet). The textbook shortcut, cloning digests primed with the pads, is no
 * shortcut on JDK 17: {@code MessageDigest.clone} allocated 416 B per MAC and was slower (1.21 vs
 * 1.07 µs of CPU for 1216 octets; docs/PERFORMANCE.md). Not thread-safe.
 */
final class HmacSha1 {
    static final int LENGTH = 20;
    private static final int BLOCK = 64;

    private final MessageDigest inner;
    private final MessageDigest outer;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] innerHash = new byte[LENGTH];

    HmacSha1(byte[] key) {
        try {
            inner = MessageDigest.getInstance("SHA-1");
            outer = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
        byte[] k = key.length > BLOCK ? inner.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
    }

    /** Starts a new MAC computation. */
    void begin() {
        inner.reset();
        inner.update(innerPad);
    }

    void update(byte[] b, int off, int len) {
        inner.update(b, off, len);
    }

    /** Writes the 20-octet MAC at {@code out[outOff]}. */
    void finish(byte[] out, int outOff) {
        try {
            inner.digest(innerHash, 0, LENGTH);
            outer.reset();
            outer.update(outerPad);
            outer.update(innerHash);
            outer.digest(out, outOff, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
