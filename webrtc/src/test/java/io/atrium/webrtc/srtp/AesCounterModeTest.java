package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 3711 appendix B.2: AES-CM keystream; reuse of one instance across IVs, splits and a 128-bit carry — both ways:
 * the JDK's engine reached directly ({@link JdkCounterMode}) and the JCA cipher.
 */
class AesCounterModeTest {
    private static final byte[] SESSION_KEY = Hex.bytes("2B7E151628AED2A6ABF7158809CF4F3C");
    private static final byte[] SESSION_SALT = Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
    private static final int SEGMENT_LENGTH = 1044512;

    @Test
    void ivFromSaltSsrcZeroIndexZeroIsTheRfcOffset() {
        byte[] iv = new byte[16];
        AesCmHmacSha1Transform.formIv(SESSION_SALT, 0, 0L, iv);
        assertThat(iv).isEqualTo(Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"));
    }

    @Test
    void theJdksEngineIsReachedDirectlyInThisJvm() {
        assertThat(AesCounterMode.DIRECT).as("the direct way agreed with the JCA cipher (the build opens the package)").isTrue();
    }

    @ParameterizedTest(name = "direct {0}")
    @ValueSource(booleans = {true, false})
    void keystreamSegmentMatchesAppendixB2(boolean direct) {
        byte[] iv = Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        byte[] keystream = new byte[SEGMENT_LENGTH];
        new AesCounterMode(SESSION_KEY, direct).xorKeystream(iv, keystream, 0, keystream.length);

        assertThat(block(keystream, 0x0000)).isEqualTo("e03ead0935c95e80e166b16dd92b4eb4");
        assertThat(block(keystream, 0x0001)).isEqualTo("d23513162b02d0f72a43a2fe4a5f97ab");
        assertThat(block(keystream, 0x0002)).isEqualTo("41e95b3bb0a2e8dd477901e4fca894c0");
        assertThat(block(keystream, 0xFEFF)).isEqualTo("ec8cdf7398607cb0f2d21675ea9ea1e4");
        assertThat(block(keystream, 0xFF00)).isEqualTo("362b7c3c6773516318a077d7fc5073ae");
        assertThat(block(keystream, 0xFF01)).isEqualTo("6a2cc3787889374fbeb4c81b17ba6c44");
        assertThat(SEGMENT_LENGTH / 16).isEqualTo(0xFF01 + 1);
    }

    @ParameterizedTest(name = "direct {0}")
    @ValueSource(booleans = {true, false})
    void keystreamDoesNotDependOnHowTheInputIsSplitOrAligned(boolean direct) {
        byte[] iv = Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        AesCounterMode ctr = new AesCounterMode(SESSION_KEY, direct);
        byte[] whole = new byte[2000];
        ctr.xorKeystream(iv, whole, 0, whole.length);
        byte[] shifted = new byte[2003];
        ctr.xorKeystream(iv, shifted, 3, 2000);
        assertThat(Arrays.copyOfRange(shifted, 3, 2003)).isEqualTo(whole);
        assertThat(shifted[0] | shifted[1] | shifted[2]).isZero();
    }

    @ParameterizedTest(name = "direct {0}")
    @ValueSource(booleans = {true, false})
    void reusedInstanceRestartsAtEachIvAndMatchesJdkCounterMode(boolean direct) throws Exception {
        SplittableRandom random = new SplittableRandom(3711);
        AesCounterMode ctr = new AesCounterMode(SESSION_KEY, direct);
        Cipher jdk = Cipher.getInstance("AES/CTR/NoPadding");
        for (int round = 0; round < 100; round++) {
            byte[] iv = new byte[16];
            random.nextBytes(iv);
            Arrays.fill(iv, 12, 16, (byte) 0xFF);
            int length = random.nextInt(0, 5000);
            byte[] data = new byte[length];
            random.nextBytes(data);
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(SESSION_KEY, "AES"), new IvParameterSpec(iv));
            byte[] expected = jdk.doFinal(data);

            int split = random.nextInt(0, length + 1);
            ctr.start(iv);
            ctr.apply(data, 0, split);
            ctr.apply(data, split, length - split);
            assertThat(data).as("round %d", round).isEqualTo(expected);
        }
    }

    private static String block(byte[] keystream, int n) {
        return Hex.string(keystream, 16 * n, 16);
    }
}
