package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** GHASH against the RFC 7714 section 16.1.1 trace, and AES-GCM against the JDK's AES/GCM/NoPadding. */
class AesGcmTest {

    @Test
    void ghashReproducesRfc7714Section16_1_1Trace() {
        Ghash ghash = new Ghash(Hex.bytes("c6a13b37878f5b826f4f8162a1c8d879"));
        byte[] aad = Hex.bytes("8040f17b 8041f8d3 5501a0b2");
        byte[] cipher = Hex.bytes("f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833");
        byte[] out = new byte[16];

        ghash.reset();
        ghash.update(aad, 0, aad.length);
        ghash.pad();
        ghash.update(cipher, 0, cipher.length);
        ghash.finish(aad.length, cipher.length, out, 0);
        assertThat(Hex.string(out, 0, 16)).isEqualTo("1b964067078c408c4e442a8f015e5264");
    }

    @Test
    void ghashAcceptsAnySplitOfItsInput() {
        Ghash ghash = new Ghash(Hex.bytes("c6a13b37878f5b826f4f8162a1c8d879"));
        byte[] cipher = Hex.bytes("f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833");
        byte[] aad = Hex.bytes("8040f17b 8041f8d3 5501a0b2");
        byte[] out = new byte[16];
        ghash.reset();
        ghash.update(aad, 0, 5);
        ghash.update(aad, 5, 7);
        ghash.pad();
        ghash.update(cipher, 0, 1);
        ghash.update(cipher, 1, 20);
        ghash.update(cipher, 21, cipher.length - 21);
        ghash.finish(aad.length, cipher.length, out, 0);
        assertThat(Hex.string(out, 0, 16)).isEqualTo("1b964067078c408c4e442a8f015e5264");
    }

    @Test
    void sealMatchesJdkGcmForRandomInputs() throws Exception {
        SplittableRandom random = new SplittableRandom(7714);
        for (int round = 0; round < 400; round++) {
            byte[] key = bytes(random, random.nextBoolean() ? 16 : 32);
            byte[] iv = bytes(random, 12);
            int aad1 = random.nextInt(0, 40);
            int aad2 = random.nextInt(0, 6);
            int data = random.nextInt(0, 1300);
            byte[] aad = bytes(random, aad1 + aad2);
            byte[] plain = bytes(random, data);

            Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            jdk.updateAAD(aad);
            byte[] expected = jdk.doFinal(plain);

            byte[] buf = new byte[aad1 + data + 16];
            System.arraycopy(aad, 0, buf, 0, aad1);
            System.arraycopy(plain, 0, buf, aad1, data);
            byte[] second = Arrays.copyOfRange(aad, aad1, aad1 + aad2);
            AesGcm gcm = new AesGcm(key);
            gcm.seal(iv, buf, 0, aad1, second, 0, aad2, aad1, data, aad1 + data);
            assertThat(Arrays.copyOfRange(buf, aad1, buf.length)).as("round %d", round).isEqualTo(expected);

            assertThat(gcm.open(iv, buf, 0, aad1, second, 0, aad2, aad1, data, aad1 + data)).isTrue();
            assertThat(Arrays.copyOfRange(buf, aad1, aad1 + data)).isEqualTo(plain);
        }
    }

    /**
     * The four-blocks-per-reduction path against SP 800-38D algorithm 2 computed bit by bit, for
     * lengths around multiples of 64 octets and arbitrary update splits.
     */
    @Test
    void ghashMatchesBitSerialReferenceForEveryLengthAndSplit() {
        SplittableRandom random = new SplittableRandom(380);
        for (int round = 0; round < 300; round++) {
            byte[] h = bytes(random, 16);
            int aadLength = random.nextInt(0, 20);
            int textLength = round < 200 ? round : random.nextInt(0, 1500);
            byte[] aad = bytes(random, aadLength);
            byte[] text = bytes(random, textLength);

            Ghash ghash = new Ghash(h);
            ghash.reset();
            ghash.update(aad, 0, aadLength);
            ghash.pad();
            int split = textLength == 0 ? 0 : random.nextInt(0, textLength + 1);
            ghash.update(text, 0, split);
            ghash.update(text, split, textLength - split);
            byte[] out = new byte[16];
            ghash.finish(aadLength, textLength, out, 0);

            assertThat(out).as("round %d, %d + %d octets, split at %d", round, aadLength, textLength, split)
                    .isEqualTo(referenceGhash(h, aad, text));
        }
    }

    @Test
    void oneInstanceMatchesJdkGcmPacketAfterPacket() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        byte[] key = bytes(random, 16);
        AesGcm gcm = new AesGcm(key);
        Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
        for (int packet = 0; packet < 200; packet++) {
            byte[] iv = bytes(random, 12);
            int data = random.nextInt(0, 3000);
            byte[] buf = bytes(random, 12 + data + 16);
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            jdk.updateAAD(buf, 0, 12);
            byte[] expected = jdk.doFinal(buf, 12, data);

            gcm.seal(iv, buf, 0, 12, new byte[0], 0, 0, 12, data, 12 + data);
            assertThat(Arrays.copyOfRange(buf, 12, buf.length)).as("packet %d", packet).isEqualTo(expected);
        }
    }

    /** GHASH_H(A, C) per SP 800-38D sections 6.3-6.4, one bit at a time on octet arrays. */
    private static byte[] referenceGhash(byte[] h, byte[] aad, byte[] text) {
        byte[] lengths = new byte[16];
        for (int i = 0; i < 8; i++) {
            lengths[7 - i] = (byte) (((long) aad.length * 8) >>> (8 * i));
            lengths[15 - i] = (byte) (((long) text.length * 8) >>> (8 * i));
        }
        byte[] y = new byte[16];
        for (byte[] part : new byte[][] {aad, text, lengths}) {
            for (int off = 0; off < part.length; off += 16) {
                for (int i = 0; i < 16 && off + i < part.length; i++) {
                    y[i] ^= part[off + i];
                }
                y = referenceMultiply(y, h);
            }
        }
        return y;
    }

    private static byte[] referenceMultiply(byte[] x, byte[] y) {
        byte[] z = new byte[16];
        byte[] v = y.clone();
        for (int i = 0; i < 128; i++) {
            if ((x[i / 8] & (0x80 >>> (i % 8))) != 0) {
                for (int j = 0; j < 16; j++) {
                    z[j] ^= v[j];
                }
            }
            boolean lsb = (v[15] & 1) != 0;
            for (int j = 15; j > 0; j--) {
                v[j] = (byte) (((v[j] & 0xFF) >>> 1) | ((v[j - 1] & 1) << 7));
            }
            v[0] = (byte) ((v[0] & 0xFF) >>> 1);
            if (lsb) {
                v[0] ^= (byte) 0xE1;
            }
        }
        return z;
    }

    @Test
    void openRejectsAnyFlippedBitAndLeavesTheCiphertextAlone() {
        byte[] key = Hex.bytes("000102030405060708090a0b0c0d0e0f");
        byte[] iv = Hex.bytes("51753c6580c2726f20718414");
        byte[] sealed = new byte[12 + 38 + 16];
        System.arraycopy(Hex.bytes("8040f17b8041f8d35501a0b2"), 0, sealed, 0, 12);
        AesGcm gcm = new AesGcm(key);
        gcm.seal(iv, sealed, 0, 12, new byte[0], 0, 0, 12, 38, 50);
        for (int bit = 0; bit < sealed.length * 8; bit += 7) {
            byte[] tampered = sealed.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            byte[] before = tampered.clone();
            assertThat(gcm.open(iv, tampered, 0, 12, new byte[0], 0, 0, 12, 38, 50)).as("bit %d", bit).isFalse();
            assertThat(tampered).isEqualTo(before);
        }
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
