package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES counter-mode keystream over a JCA {@code AES/ECB/NoPadding} cipher keyed once: the counter
 * blocks are built in a scratch array and encrypted in one {@code Cipher.update} call per chunk, so
 * a packet costs no {@code Cipher.init} and no allocation (JCA's {@code AES/CTR} would need an
 * {@code init} with a fresh {@code IvParameterSpec} for every packet).
 *
 * <p>Counter blocks are {@code iv[0..11] || (iv[12..15] + n mod 2^32)}. This is GCM's inc32
 * (NIST SP 800-38D section 6.2) and equals RFC 3711 section 4.1.1's 128-bit increment for every
 * input shorter than 2^16 blocks, since the low 16 bits of an SRTP counter start at zero. Not
 * thread-safe; one instance per key per thread.
 */
final class AesCounterMode {
    static final int BLOCK = 16;
    private static final int CHUNK = 32 * BLOCK;

    private final Cipher ecb;
    private final byte[] counters = new byte[CHUNK];
    private final byte[] stream = new byte[CHUNK];

    AesCounterMode(byte[] key) {
        try {
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AES key rejected: " + key.length + " octets", e);
        }
    }

    /** Encrypts one block; {@code in} and {@code out} must be different arrays. */
    void encryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
        try {
            ecb.update(in, inOff, BLOCK, out, outOff);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** XORs the keystream that starts at counter block {@code iv} into {@code buf[off, off+len)}. */
    void xorKeystream(byte[] iv, byte[] buf, int off, int len) {
        int counter = Bytes.i32(iv, 12);
        int done = 0;
        while (done < len) {
            int n = Math.min(len - done, CHUNK);
            int bytes = (n + BLOCK - 1) & -BLOCK;
            for (int b = 0; b < bytes; b += BLOCK) {
                System.arraycopy(iv, 0, counters, b, 12);
                Bytes.put32(counters, b + 12, counter++);
            }
            try {
                ecb.update(counters, 0, bytes, stream, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            CryptoBytes.xor(stream, 0, buf, off + done, n);
            done += n;
        }
    }
}
