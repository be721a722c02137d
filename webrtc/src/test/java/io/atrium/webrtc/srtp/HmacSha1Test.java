package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** HMAC-SHA1 against RFC 2202 section 3 and the JDK's HmacSHA1. */
class HmacSha1Test {

    @Test
    void rfc2202TestCase1() {
        assertThat(mac(Hex.bytes("0b".repeat(20)), "Hi There".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("b617318655057264e28bc0b6fb378c8ef146be00");
    }

    @Test
    void rfc2202TestCase2() {
        assertThat(mac("Jefe".getBytes(StandardCharsets.US_ASCII),
                "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }

    @Test
    void matchesJdkMacForRandomKeysAndMessages() throws Exception {
        SplittableRandom random = new SplittableRandom(2104);
        for (int round = 0; round < 200; round++) {
            byte[] key = new byte[random.nextInt(1, 100)];
            byte[] message = new byte[random.nextInt(0, 1500)];
            random.nextBytes(key);
            random.nextBytes(message);
            Mac jdk = Mac.getInstance("HmacSHA1");
            jdk.init(new SecretKeySpec(key, "HmacSHA1"));
            HmacSha1 own = new HmacSha1(key);
            byte[] out = new byte[20];
            for (int repeat = 0; repeat < 2; repeat++) {
                own.begin();
                int split = message.length / 3;
                own.update(message, 0, split);
                own.update(message, split, message.length - split);
                own.finish(out, 0);
                assertThat(out).isEqualTo(jdk.doFinal(message));
            }
        }
    }

    private static String mac(byte[] key, byte[] message) {
        HmacSha1 mac = new HmacSha1(key);
        byte[] out = new byte[22];
        mac.begin();
        mac.update(message, 0, message.length);
        mac.finish(out, 2);
        return Hex.string(Arrays.copyOfRange(out, 2, 22), 0, 20);
    }
}
