package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.atrium.webrtc.util.Bytes;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link SrtpContext#unprotectRtp} and {@link SrtpContext#unprotectRtcp}
 * (RFC 3711 section 3.3, RFC 7714 sections 8-9), both profiles, on fresh contexts. Two kinds of input:
 * <ul>
 *   <li>a forged packet (after one genuine packet of the SSRC it names, so the known-SSRC path runs too):
 *       it gets a negative {@link SrtpError} (never success, never an exception), leaves every byte of the
 *       buffer as it was and takes no SSRC slot;</li>
 *   <li>a plain packet the fuzzer shapes, protected by a sender: one fuzzer-chosen byte flipped, it is
 *       refused without a change; intact, it decrypts to exactly the plain packet.</li>
 * </ul>
 */
public class SrtpFuzzer {
    private static final int SHIFT = 3;
    private static final int GUARD = 9;

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        SrtpProfile profile = data.pickValue(SrtpProfile.values());
        boolean rtcp = data.consumeBoolean();
        if (data.consumeBoolean()) {
            roundTrip(profile, rtcp, data.consumeInt(0, 255), data.consumeInt(1, 255), data.consumeRemainingAsBytes());
        } else {
            forged(profile, rtcp, data.consumeRemainingAsBytes());
        }
    }

    private static void forged(SrtpProfile profile, boolean rtcp, byte[] input) {
        SrtpContext receiver = context(profile);
        SrtpContext sender = context(profile);
        int ssrcOffset = rtcp ? 4 : 8;
        if (input.length >= ssrcOffset + 4) {
            int ssrc = Bytes.i32(input, ssrcOffset);
            byte[] genuine = rtcp ? Packets.rtcp(ssrc, 0) : Packets.rtp(1, ssrc, 20);
            int plain = rtcp ? 8 : 32;
            int len = rtcp ? sender.protectRtcp(genuine, 0, plain) : sender.protectRtp(genuine, 0, plain);
            assertThat(rtcp ? receiver.unprotectRtcp(genuine, 0, len) : receiver.unprotectRtp(genuine, 0, len))
                    .isEqualTo(plain);
        }
        int ssrcs = receiver.ssrcCount();
        byte[] buf = frame(input);
        byte[] before = buf.clone();
        int result = unprotect(receiver, rtcp, buf, input.length);
        assertThat(result).as("result of a forged packet").isNegative();
        assertThat(SrtpError.describe(result)).isNotEqualTo("unknown");
        assertThat(buf).as("the buffer after a refused packet").isEqualTo(before);
        assertThat(receiver.ssrcCount()).isEqualTo(ssrcs);
    }

    private static void roundTrip(SrtpProfile profile, boolean rtcp, int flipAt, int flipBits, byte[] plain) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] buf = Arrays.copyOf(plain, plain.length + Packets.ROOM);
        int len = rtcp ? sender.protectRtcp(buf, 0, plain.length) : sender.protectRtp(buf, 0, plain.length);
        if (len < 0) {
            return; // not a packet the sender protects: nothing to unprotect
        }
        byte[] wire = Arrays.copyOf(buf, len);
        byte[] tampered = frame(wire);
        tampered[SHIFT + flipAt % len] ^= (byte) flipBits;
        byte[] before = tampered.clone();
        assertThat(unprotect(receiver, rtcp, tampered, len)).as("a tampered packet").isNegative();
        assertThat(tampered).isEqualTo(before);
        assertThat(receiver.ssrcCount()).isZero();

        byte[] intact = frame(wire);
        int result = unprotect(receiver, rtcp, intact, len);
        assertThat(result).as("the intact packet").isEqualTo(plain.length);
        assertThat(Arrays.copyOfRange(intact, SHIFT, SHIFT + result)).isEqualTo(plain);
    }

    private static int unprotect(SrtpContext receiver, boolean rtcp, byte[] buf, int len) {
        return rtcp ? receiver.unprotectRtcp(buf, SHIFT, len) : receiver.unprotectRtp(buf, SHIFT, len);
    }

    /** {@code bytes} at offset {@link #SHIFT} of a larger array whose other bytes are a known pattern. */
    private static byte[] frame(byte[] bytes) {
        byte[] buf = new byte[SHIFT + bytes.length + GUARD];
        Arrays.fill(buf, (byte) 0xA5);
        System.arraycopy(bytes, 0, buf, SHIFT, bytes.length);
        return buf;
    }

    private static SrtpContext context(SrtpProfile profile) {
        byte[] key = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 29 + 3);
        }
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (i * 13 + 7);
        }
        return new SrtpContext(profile, key, salt);
    }
}
