package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

import java.util.Arrays;

/**
 * AES-GCM with a 96-bit IV and a 16-octet tag (NIST SP 800-38D section 7), built from the JCA AES
 * counter mode ({@link AesCounterMode}) and {@link Ghash}.
 *
 * <pre>
 *   J0 = IV || 0^31 || 1          tag mask = E(J0)            (one keystream run from J0:
 *   C  = P XOR E(J0+1) || E(J0+2) ...                          mask first, then the data)
 *   T  = GHASH_H(A, C) XOR E(J0)  H = E(0^128)
 * </pre>
 *
 * <p>Why not JCA {@code AES/GCM/NoPadding}: it needs a {@code Cipher.init} with a new
 * {@code GCMParameterSpec} for every packet, which allocates about 1 kB of engine state per packet
 * (docs/PERFORMANCE.md), and it refuses a second encryption {@code init} with the key and IV it used
 * last. Here every packet only refills reused scratch blocks. IV uniqueness is SRTP's job: the
 * IV is derived from SSRC and packet index (RFC 7714 sections 8.1 and 9.1) and {@link SrtpContext}
 * refuses to protect an index twice.
 *
 * <p>Associated data may come in two pieces (RFC 7714 section 9.2 puts the ESRTCP word after the
 * ciphertext), and is hashed as their concatenation. Not thread-safe.
 */
final class AesGcm {
    static final int IV_LENGTH = 12;
    static final int TAG_LENGTH = 16;

    private final AesCounterMode ctr;
    private final Ghash ghash;
    private final byte[] counter = new byte[16];
    private final byte[] tagMask = new byte[16];
    private final byte[] tag = new byte[16];

    AesGcm(byte[] key) {
        ctr = new AesCounterMode(key);
        byte[] h = new byte[16];
        ctr.xorKeystream(new byte[16], h, 0, 16);
        ghash = new Ghash(h);
    }

    /**
     * Encrypts {@code buf[dataOff, dataOff+dataLen)} in place and writes the tag at {@code tagOff}.
     * The associated data is {@code buf[aadOff, aadOff+aadLen) || aad2[aad2Off, aad2Off+aad2Len)}.
     */
    void seal(byte[] iv, byte[] buf, int aadOff, int aadLen, byte[] aad2, int aad2Off, int aad2Len,
              int dataOff, int dataLen, int tagOff) {
        start(iv);
        ctr.apply(buf, dataOff, dataLen);
        computeTag(buf, aadOff, aadLen, aad2, aad2Off, aad2Len, dataOff, dataLen);
        System.arraycopy(tag, 0, buf, tagOff, TAG_LENGTH);
    }

    /**
     * Verifies the tag at {@code tagOff} over the same layout as {@link #seal} and, only if it
     * verifies, decrypts the data in place.
     */
    boolean open(byte[] iv, byte[] buf, int aadOff, int aadLen, byte[] aad2, int aad2Off, int aad2Len,
                 int dataOff, int dataLen, int tagOff) {
        start(iv);
        computeTag(buf, aadOff, aadLen, aad2, aad2Off, aad2Len, dataOff, dataLen);
        if (!CryptoBytes.constantTimeEquals(tag, 0, buf, tagOff, TAG_LENGTH)) {
            return false;
        }
        ctr.apply(buf, dataOff, dataLen);
        return true;
    }

    /** Starts the keystream at J0 = IV || 0^31 || 1 and takes its first block, E(J0), as the tag mask. */
    private void start(byte[] iv) {
        System.arraycopy(iv, 0, counter, 0, IV_LENGTH);
        Bytes.put32(counter, 12, 1);
        ctr.start(counter);
        Arrays.fill(tagMask, (byte) 0);
        ctr.apply(tagMask, 0, TAG_LENGTH);
    }

    private void computeTag(byte[] buf, int aadOff, int aadLen, byte[] aad2, int aad2Off, int aad2Len,
                            int dataOff, int dataLen) {
        ghash.reset();
        ghash.update(buf, aadOff, aadLen);
        ghash.update(aad2, aad2Off, aad2Len);
        ghash.pad();
        ghash.update(buf, dataOff, dataLen);
        ghash.finish((long) aadLen + aad2Len, dataLen, tag, 0);
        CryptoBytes.xor(tagMask, 0, tag, 0, TAG_LENGTH);
    }
}
