package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a 96-bit IV and a 16-octet tag (NIST SP 800-38D section 7).
 *
 * <pre>
 *   | associated data (A) | data: plaintext / ciphertext (C) | tag (16) |
 *                          ^ dataOff                          ^ dataOff + dataLen
 *   J0 = IV || 0^31 || 1      C = P XOR keystream from J0 + 1      T = GHASH_H(A, C) XOR E_K(J0)
 * </pre>
 *
 * <p><b>Two ways, one answer (docs/PERFORMANCE.md, "AES-GCM without garbage"):</b> where the JDK's GHASH can be
 * reached ({@link JdkGhash}: the launcher opens {@code java.base/com.sun.crypto.provider}, as Atrium's jar and test
 * runs do), GCM is composed here from the same intrinsics the JDK's cipher uses: the keystream and {@code E_K(J0)} from
 * the AES-NI counter mode ({@link AesCounterMode}: only its counter block reset per packet, no garbage) and the hash from the JDK's
 * PCLMULQDQ GHASH; nothing is allocated per packet. This way is used only after it gave the JDK cipher's output on a
 * test vector when the class loaded. Otherwise every packet goes through the JDK's {@code AES/GCM/NoPadding}, whose
 * {@code Cipher.init} with a new {@link GCMParameterSpec} builds about 1 kB of engine state per packet, and a forged
 * packet costs it an {@link AEADBadTagException} (caught here, reported as {@code false}).
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
    /** Whether GCM composed from the JDK's intrinsics gave the JDK cipher's answer here. */
    static final boolean COMPOSED = JdkGhash.available() && composedAgreesWithTheJdk();

    private final SecretKeySpec key;
    /** The JDK's cipher, when not {@link #COMPOSED}. */
    private final Cipher gcm;
    /** When {@link #COMPOSED}: the counter mode, the hash, and scratch blocks (J0, E_K(J0), the computed tag). */
    private final AesCounterMode ctr;
    private final JdkGhash ghash;
    private final byte[] j0 = new byte[AesCounterMode.BLOCK];
    private final byte[] mask = new byte[AesCounterMode.BLOCK];
    private final byte[] tag = new byte[TAG_LENGTH];

    AesGcm(byte[] key) {
        this(key, COMPOSED);
    }

    /** {@code composed}: GCM from the JDK's intrinsics (only when {@link JdkGhash#available()}), else the JDK's cipher. */
    AesGcm(byte[] key, boolean composed) {
        this.key = new SecretKeySpec(key, "AES");
        try {
            if (composed) {
                ctr = new AesCounterMode(key);
                byte[] h = new byte[AesCounterMode.BLOCK];
                ctr.xorKeystream(new byte[AesCounterMode.BLOCK], h, 0, h.length); // H = E_K(0^128)
                ghash = JdkGhash.create(h);
                if (ghash == null) {
                    throw new IllegalStateException("the JDK's GHASH is not reachable");
                }
                gcm = null;
            } else {
                ctr = null;
                ghash = null;
                gcm = Cipher.getInstance("AES/GCM/NoPadding");
                gcm.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, new byte[IV_LENGTH]));
            }
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
        if (ghash != null) {
            startAt(iv);
            ctr.apply(buf, dataOff, dataLen);
            hash(buf, aadOff, aadLen, aad2, aad2Off, aad2Len, dataOff, dataLen);
            System.arraycopy(tag, 0, buf, tagOff, TAG_LENGTH);
            return;
        }
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
        if (ghash != null) {
            startAt(iv);
            hash(buf, aadOff, aadLen, aad2, aad2Off, aad2Len, dataOff, dataLen);
            if (!CryptoBytes.constantTimeEquals(tag, 0, buf, tagOff, TAG_LENGTH)) {
                return false;
            }
            ctr.apply(buf, dataOff, dataLen);
            return true;
        }
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

    /** Starts the keystream at J0 = IV || 1, takes its first block as E_K(J0), and leaves it at J0 + 1. */
    private void startAt(byte[] iv) {
        System.arraycopy(iv, 0, j0, 0, IV_LENGTH);
        Bytes.put32(j0, IV_LENGTH, 1);
        ctr.start(j0);
        java.util.Arrays.fill(mask, (byte) 0);
        ctr.apply(mask, 0, mask.length);
    }

    /** {@link #tag} = GHASH_H(A, C) XOR E_K(J0), over the ciphertext in {@code buf}. */
    private void hash(byte[] buf, int aadOff, int aadLen, byte[] aad2, int aad2Off, int aad2Len, int dataOff, int dataLen) {
        ghash.absorb(buf, aadOff, aadLen);
        if (aad2Len > 0) {
            ghash.absorb(aad2, aad2Off, aad2Len);
        }
        ghash.pad();
        ghash.absorb(buf, dataOff, dataLen);
        ghash.finish(aadLen + aad2Len, dataLen, tag);
        CryptoBytes.xor(mask, 0, tag, 0, TAG_LENGTH);
    }

    private static void checkLayout(int dataOff, int dataLen, int tagOff) {
        if (tagOff != dataOff + dataLen) {
            throw new IllegalArgumentException("GCM tag must follow the data: tag at " + tagOff + ", data ends at "
                    + (dataOff + dataLen));
        }
    }

    /**
     * Seals one packet of every length from 0 to 100 octets with two-piece associated data both ways and compares; the
     * composed way is used only if every one matches (another JDK's GHASH may differ in what it keeps where).
     */
    private static boolean composedAgreesWithTheJdk() {
        try {
            byte[] key = new byte[16];
            byte[] iv = new byte[IV_LENGTH];
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) (31 * i + 7);
            }
            AesGcm composed = new AesGcm(key, true);
            AesGcm jdk = new AesGcm(key, false);
            for (int len = 0; len <= 100; len++) {
                iv[IV_LENGTH - 1] = (byte) (len + 1); // a new IV each time: the JDK's cipher refuses one used before
                byte[] a = new byte[13 + len + TAG_LENGTH];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (byte) (i * 13 + len);
                }
                byte[] b = a.clone();
                byte[] aad2 = {1, 2, 3, (byte) len};
                composed.seal(iv, a, 0, 13, aad2, 0, len % 5, 13, len, 13 + len);
                jdk.seal(iv, b, 0, 13, aad2, 0, len % 5, 13, len, 13 + len);
                if (!java.util.Arrays.equals(a, b) || !composed.open(iv, a, 0, 13, aad2, 0, len % 5, 13, len, 13 + len)) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
