package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded fuzzing of {@link SrtpContext#unprotectRtp} and {@link SrtpContext#unprotectRtcp} (RFC 3711
 * section 3.3, RFC 7714 sections 8-9) for both profiles. Every input is a mutation of a genuinely
 * protected packet or random bytes in the RTP/RTCP range (RFC 7983: first byte 128..191): each must get
 * a negative {@link SrtpError} (never a success, never an exception), leave the buffer untouched, and take
 * no SSRC slot. The fuzzing runs before and after the genuine packets were accepted, so both the
 * first-packet path and the replay/index path of known SSRCs see it; the genuine packets still decrypt.
 */
class SrtpFuzzTest {
    private static final long SEED = 0x5352_5450L;
    private static final int ITERATIONS = 3000;
    private static final int SHIFT = 3;
    private static final int GUARD = 9;

    private record Genuine(boolean rtcp, byte[] plain, byte[] protectedBytes) {
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void mutatedAndRandomPacketsAreRejectedAndChangeNothing(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        List<Genuine> genuine = protect(sender, plainPackets());
        Random random = new Random(SEED + profile.ordinal());

        fuzz(receiver, genuine, random);
        assertThat(receiver.ssrcCount()).as("SSRC slots taken by forged packets").isZero();

        for (Genuine g : genuine) {
            byte[] buf = g.protectedBytes().clone();
            int result = g.rtcp() ? receiver.unprotectRtcp(buf, 0, buf.length) : receiver.unprotectRtp(buf, 0, buf.length);
            assertThat(result).isEqualTo(g.plain().length);
            assertThat(Arrays.copyOf(buf, result)).isEqualTo(g.plain());
        }
        int ssrcs = receiver.ssrcCount();

        fuzz(receiver, genuine, random);
        assertThat(receiver.ssrcCount()).isEqualTo(ssrcs);
        for (Genuine g : genuine) {
            byte[] buf = g.protectedBytes().clone();
            int result = g.rtcp() ? receiver.unprotectRtcp(buf, 0, buf.length) : receiver.unprotectRtp(buf, 0, buf.length);
            assertThat(result).as("replay of a genuine packet").isEqualTo(SrtpError.REPLAYED);
        }
    }

    private static void fuzz(SrtpContext receiver, List<Genuine> genuine, Random random) {
        for (int i = 0; i < ITERATIONS; i++) {
            Genuine g = genuine.get(random.nextInt(genuine.size()));
            boolean rtcp = random.nextInt(8) == 0 ? !g.rtcp() : g.rtcp();
            byte[] input = random.nextInt(5) == 0 ? randomRange(random, rtcp) : mutate(g.protectedBytes(), random);
            byte[] buf = new byte[SHIFT + input.length + GUARD];
            Arrays.fill(buf, (byte) 0xA5);
            System.arraycopy(input, 0, buf, SHIFT, input.length);
            byte[] before = buf.clone();
            int result = 0;
            try {
                result = rtcp ? receiver.unprotectRtcp(buf, SHIFT, input.length)
                        : receiver.unprotectRtp(buf, SHIFT, input.length);
            } catch (RuntimeException e) {
                fail("iteration " + i + " threw on " + HexFormat.of().formatHex(input), e);
            }
            if (result >= 0 || SrtpError.describe(result).equals("unknown") || !Arrays.equals(buf, before)) {
                fail("iteration " + i + (rtcp ? " (SRTCP)" : " (SRTP)") + " returned " + result
                        + (Arrays.equals(buf, before) ? "" : " and changed the buffer") + " for "
                        + HexFormat.of().formatHex(input));
            }
        }
    }

    /** A copy with at least one byte changed, or a different length. */
    private static byte[] mutate(byte[] genuine, Random random) {
        byte[] out;
        do {
            out = mutateOnce(genuine, random);
        } while (Arrays.equals(out, genuine));
        return out;
    }

    private static byte[] mutateOnce(byte[] genuine, Random random) {
        byte[] out = genuine.clone();
        switch (random.nextInt(7)) {
            case 0 -> {
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    int bit = random.nextInt(out.length * 8);
                    out[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            case 2 -> out = Arrays.copyOf(out, random.nextInt(out.length));
            case 3 -> {
                out = Arrays.copyOf(out, out.length + 1 + random.nextInt(20));
                for (int k = genuine.length; k < out.length; k++) {
                    out[k] = (byte) random.nextInt(256);
                }
            }
            case 4 -> out[0] = (byte) (0x80 | random.nextInt(0x40)); // RTP P/X/CC, RTCP P/count
            case 5 -> {
                // the tail: tag, and for SRTCP the E flag and index
                int k = out.length - 1 - random.nextInt(Math.min(out.length, 20));
                out[k] ^= (byte) (1 + random.nextInt(255));
            }
            default -> {
                // sequence number / SSRC (RTP), length / sender SSRC (RTCP)
                int k = 2 + random.nextInt(Math.min(10, out.length - 2));
                out[k] = (byte) random.nextInt(256);
            }
        }
        return out;
    }

    private static byte[] randomRange(Random random, boolean rtcp) {
        byte[] out = new byte[random.nextInt(120)];
        random.nextBytes(out);
        if (out.length > 1) {
            out[0] = (byte) (0x80 | random.nextInt(0x40));
            out[1] = (byte) (rtcp ? 192 + random.nextInt(32) : random.nextInt(256));
        }
        return out;
    }

    private static List<Genuine> protect(SrtpContext sender, List<byte[]> plains) {
        List<Genuine> out = new ArrayList<>();
        for (byte[] plain : plains) {
            boolean rtcp = (plain[1] & 0xFF) >= 192 && (plain[1] & 0xFF) <= 223;
            byte[] buf = Arrays.copyOf(plain, plain.length + 64);
            int len = rtcp ? sender.protectRtcp(buf, 0, plain.length) : sender.protectRtp(buf, 0, plain.length);
            assertThat(len).isGreaterThan(plain.length);
            out.add(new Genuine(rtcp, plain, Arrays.copyOf(buf, len)));
        }
        return out;
    }

    /** RTP of several shapes and SSRCs, and RTCP compounds; plain, exactly sized. */
    private static List<byte[]> plainPackets() {
        List<byte[]> out = new ArrayList<>();
        int[] payloads = {0, 1, 17, 160};
        for (int i = 0; i < payloads.length; i++) {
            out.add(Arrays.copyOf(Packets.rtp(100 + i, 0x1000 + i % 2, payloads[i]), 12 + payloads[i]));
        }
        byte[] withHeaderExtras = new byte[12 + 8 + 8 + 40];
        System.arraycopy(Packets.rtp(104, 0x1000, 0), 0, withHeaderExtras, 0, 12);
        withHeaderExtras[0] = (byte) 0xB2; // V=2, P=1, X=1, CC=2
        withHeaderExtras[20] = (byte) 0xBE;
        withHeaderExtras[21] = (byte) 0xDE;
        withHeaderExtras[23] = 1;
        withHeaderExtras[24] = 0x22;
        withHeaderExtras[withHeaderExtras.length - 1] = 4; // padding count
        out.add(withHeaderExtras);
        byte[] wrapping = Arrays.copyOf(Packets.rtp(65535, 0x2000, 30), 42);
        out.add(wrapping);
        out.add(Arrays.copyOf(Packets.rtcp(0x1000, 0), 8));
        byte[] compound = Arrays.copyOf(Packets.rtcp(0x2000, 24), 32);
        compound[8] = (byte) 0x81;
        compound[9] = (byte) 202;
        Bytes.put16(compound, 10, 5); // SDES of 24 octets after the 8-octet RR
        out.add(compound);
        return out;
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
