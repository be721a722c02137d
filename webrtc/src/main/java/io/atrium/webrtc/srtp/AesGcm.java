package io.atrium.webrtc.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a 96-bit IV and a 16-octet tag (NIST SP 800-38D section 7) on the JDK's
 * {@code AES/GCM/NoPadding}, which runs GHASH on the CPU's carry-less multiply (PCLMULQDQ) and the
 * keystream on the AES-NI counter-mode intrinsic.
 *
 * <pre>
 *   | associated data (A) | data: plaintext / ciphertext (C) | tag (16) |
 *                          ^ dataOff                          ^ dataOff + dataLen
 *   T = GHASH_H(A, C) XOR E_K(IV || 0^31 || 1)
 * </pre>
 *
 * <p><b>Allocation trade-off (docs/PERFORMANCE.md, "SRTP: decision"):</b> every packet needs a
 * {@code Cipher.init} with a new {@link GCMParameterSpec}, and JDK 17 builds fresh GCM engine state
 * in it: about 1 kB of short-lived garbage per packet, independent of its size. A Java GHASH (8-bit
 * tables, four blocks per reduction) keeps the hot path allocation-free but measured about 4 times
 * the JDK's CPU time at 1200 octets; at the SFU's packet rates the JDK's speed is worth more than
 * the young-generation garbage. A forged packet makes the JDK throw {@link AEADBadTagException},
 * which is caught here and reported as {@code false}; that costs an exception per forged packet.
 *
 * <p>The tag must follow the data directly ({@code tagOff == dataOff + dataLen}), as in every
 * RFC 7714 layout. Associated data may come in two pieces (RFC 7714 section 9.2 puts the ESRTCP
 * word after the ciphertext), and is authenticated as their concatenation. IV uniqueness is SRTP's
 * job: the IV is derived from SSRC and packet index (RFC 7714 sections 8.1 and 9.1) and
 * {@link SrtpContext} refuses to protect an index twice. Not thread-safe.
 */
final class AesGcm {
    static final int IV_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    private static final int TAG_BITS = TAG_LENGTH * 8;

    private final Cipher gcm;
    private final SecretKeySpec key;

    AesGcm(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
        try {
            gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, new byte[IV_LENGTH]));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AES key rejected: " + key.length + " octets", e);
        }
    }

    /**
     * Encrypts {@code buf[dataOff, dataOff+dataLen)} in place and writes the tag at {@code tagOff}.
     * The associated data is {@code buf[aadOff, aadOff+aadLen) || aad2[aad2Off, aad2Off+aad2Len)}.
     */
    void seal(byte[] iv, byte[] buf, int aadOff, int aadLen, byte[] aad2, int aad2Off, int aad2Len,
              int dataOff, int dataLen, int tagOff) {
        checkLayout(dataOff, dataLen, tagOff);
        try {
            gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv, 0, IV_LENGTH));
            gcm.updateAAD(buf, aadOff, aadLen);
            if (aad2Len > 0) {
                gcm.updateAAD(aad2, aad2Off, aad2Len);
            }
            gcm.doFinal(buf, dataOff, dataLen, buf, dataOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM refused a packet it is built for", e);
        }
    }

    /**
     * Verifies the tag at {@code tagOff} over the same layout as {@link #seal} and, only if it
     * verifies, decrypts the data in place; a packet that fails is left as it was.
     */
    boolean open(byte[] iv, byte[] buf, int aadOff, int aadLen, byte[] aad2, int aad2Off, int aad2Len,
                 int dataOff, int dataLen, int tagOff) {
        checkLayout(dataOff, dataLen, tagOff);
        try {
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv, 0, IV_LENGTH));
            gcm.updateAAD(buf, aadOff, aadLen);
            if (aad2Len > 0) {
                gcm.updateAAD(aad2, aad2Off, aad2Len);
            }
            gcm.doFinal(buf, dataOff, dataLen + TAG_LENGTH, buf, dataOff);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM refused a packet it is built for", e);
        }
    }

    private static void checkLayout(int dataOff, int dataLen, int tagOff) {
        if (tagOff != dataOff + dataLen) {
            throw new IllegalArgumentException("GCM tag must follow the data: tag at " + tagOff + ", data ends at "
                    + (dataOff + dataLen));
        }
    }
}
