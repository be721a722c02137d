package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

/**
 * AES-GCM with a 96-bit IV and a 16-octet tag (NIST SP 800-38D section 7), built from the JCA AES
 * block cipher ({@link AesCounterMode}) and {@link Ghash}.
 *
 * <p>Why not JCA {@code AES/GCM/NoPadding}: it needs a {@code Cipher.init} with a new
 * {@code GCMParameterSpec} for every packet, which allocates the spec and fresh engine state, and
 * it refuses a second encryption {@code init} with the key and IV it used last. Here the cipher is
 * keyed once and every packet only fills reused scratch blocks. IV uniqueness is SRTP's job: the
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
        ctr.encryptBlock(new byte[16], 0, h, 0);
        ghash = new Ghash(h);
    }

    /**
     * Encrypts {@code buf[dataOff, dataOff+dataLen)} in place and writes the tag at {@code tagOff}.
     * The associated data is {@code buf[aadOff, aadOff+aadLen) || aad2[aad2Off, aad2Off+aad2Len)}.
     */
    void seal(byte[] iv, byte[] buf, int aadOff, int aadLen, byte[] aad2, int aad2Off, int aad2Len,
              int dataOff, int dataLen, int tagOff) {
        start(iv);
        ctr.xorKeystream(counter, buf, dataOff, dataLen);
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
        ctr.xorKeystream(counter, buf, dataOff, dataLen);
        return true;
    }

    /** J0 = IV || 0^31 || 1; the tag mask is E(J0) and the data keystream starts at inc32(J0). */
    private void start(byte[] iv) {
        System.arraycopy(iv, 0, counter, 0, IV_LENGTH);
        Bytes.put32(counter, 12, 1);
        ctr.encryptBlock(counter, 0, tagMask, 0);
        Bytes.put32(counter, 12, 2);
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
