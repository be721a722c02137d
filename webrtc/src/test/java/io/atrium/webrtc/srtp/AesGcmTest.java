package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AesGcm}'s packet layouts (split associated data, in-place data, tag after the data, one
 * instance re-keyed per packet) against a fresh JDK {@code AES/GCM/NoPadding} per message; the
 * RFC 7714 section 16 vectors run through {@link Rfc7714VectorsTest}.
 */
class AesGcmTest {

    /** The test JVM opens the JDK's GHASH as the server's jar does: the composed way is the one that runs. */
    @Test
    void gcmIsComposedFromTheJdksIntrinsicsHere() {
        assertThat(JdkGhash.available()).as("com.sun.crypto.provider opened to us").isTrue();
        assertThat(AesGcm.COMPOSED).as("the composed way agreed with the JDK's cipher").isTrue();
    }

    @ParameterizedTest(name = "composed {0}")
    @ValueSource(booleans = {true, false})
    void sealMatchesJdkGcmForRandomInputs(boolean composed) throws Exception {
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
            AesGcm gcm = new AesGcm(key, composed);
            gcm.seal(iv, buf, 0, aad1, second, 0, aad2, aad1, data, aad1 + data);
            assertThat(Arrays.copyOfRange(buf, aad1, buf.length)).as("round %d", round).isEqualTo(expected);

            assertThat(gcm.open(iv, buf, 0, aad1, second, 0, aad2, aad1, data, aad1 + data)).isTrue();
            assertThat(Arrays.copyOfRange(buf, aad1, aad1 + data)).isEqualTo(plain);
        }
    }

    @ParameterizedTest(name = "composed {0}")
    @ValueSource(booleans = {true, false})
    void oneInstanceMatchesJdkGcmPacketAfterPacket(boolean composed) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        byte[] key = bytes(random, 16);
        AesGcm gcm = new AesGcm(key, composed);
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

    @ParameterizedTest(name = "composed {0}")
    @ValueSource(booleans = {true, false})
    void openRejectsAnyFlippedBitAndLeavesTheCiphertextAlone(boolean composed) {
        byte[] key = Hex.bytes("000102030405060708090a0b0c0d0e0f");
        byte[] iv = Hex.bytes("51753c6580c2726f20718414");
        byte[] sealed = new byte[12 + 38 + 16];
        System.arraycopy(Hex.bytes("8040f17b8041f8d35501a0b2"), 0, sealed, 0, 12);
        AesGcm gcm = new AesGcm(key, composed);
        gcm.seal(iv, sealed, 0, 12, new byte[0], 0, 0, 12, 38, 50);
        for (int bit = 0; bit < sealed.length * 8; bit += 7) {
            byte[] tampered = sealed.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            byte[] before = tampered.clone();
            assertThat(gcm.open(iv, tampered, 0, 12, new byte[0], 0, 0, 12, 38, 50)).as("bit %d", bit).isFalse();
            assertThat(tampered).isEqualTo(before);
        }
    }

    @Test
    void aTagThatDoesNotFollowTheDataIsAProgrammerError() {
        AesGcm gcm = new AesGcm(new byte[16]);
        byte[] buf = new byte[64];
        assertThatIllegalArgumentException()
                .isThrownBy(() -> gcm.seal(new byte[12], buf, 0, 12, new byte[0], 0, 0, 12, 20, 40))
                .withMessageContaining("tag must follow the data");
    }

    private static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
