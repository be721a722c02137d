package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link RtpPacket#wrap} (RFC 3550 section 5), {@link RtpHeaderExtensions} (RFC 8285)
 * and the readers applied to what they expose: mutations of real packets and random bytes in the RTP
 * range of RFC 7983 (first byte 128..191). Nothing may throw; a packet either is refused or every offset
 * and length it reports lies inside it, and the in-place editors touch only their own bytes. Each input
 * is parsed from an array of exactly its size (a read past the end throws) and again at an offset
 * inside a larger array, with the same result.
 */
class RtpFuzzTest {
    private static final long SEED = 0x52_54_50_46L;
    private static final int ITERATIONS = 6000;
    private static final int SHIFT = 5;
    private static final int GUARD = 7;

    private static final List<byte[]> SEEDS = List.of(
            Hex.bytes(RtpPacketTest.CHROME_VP8),
            Hex.bytes("90 60 00 01 00 00 00 00 00 00 00 01  10 00 00 03  01 00 10 03 61 62 63 00 ff 01 7f 00"
                    + " 7c 85 88 84"),
            Hex.bytes("b2 60 00 05 00 00 00 06 00 00 00 07 00 00 00 0a 00 00 00 0b  be de 00 02 22 12 34 56"
                    + " 10 ff 00 00  78 00 02 67 42 00 02 68 ce 00 02 65 88  00 00 03"),
            Hex.bytes("80 ef ff ff ff ff ff ff 12 34 56 78 fc ff fe"),
            Hex.bytes("a0 61 00 05 00 00 00 06 00 00 00 07  12 34 90 e0 80 01 02 03 00 00 04"));

    private final RtpPacket packet = new RtpPacket();
    private final RtpPacket shifted = new RtpPacket();
    private final RtpHeaderExtensions extensions = new RtpHeaderExtensions();
    private final Vp8PayloadDescriptor vp8 = new Vp8PayloadDescriptor();
    private int validPackets;
    private int elements;

    @Test
    void mutatedAndRandomPacketsAreRefusedOrStayInBounds() {
        for (byte[] seed : SEEDS) {
            assertThat(packet.wrap(seed, 0, seed.length)).as(HexFormat.of().formatHex(seed)).isTrue();
        }
        Random random = new Random(SEED);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = random.nextInt(4) == 0 ? randomRtpRange(random)
                    : mutate(SEEDS.get(random.nextInt(SEEDS.size())), random);
            try {
                check(input);
            } catch (AssertionError e) {
                throw new AssertionError("iteration " + i + " on " + HexFormat.of().formatHex(input), e);
            } catch (RuntimeException e) {
                fail("iteration " + i + " threw on " + HexFormat.of().formatHex(input), e);
            }
        }
        // the mutations must keep reaching the parsers' deeper paths, or this test proves little
        assertThat(validPackets).isGreaterThan(ITERATIONS / 5);
        assertThat(elements).isGreaterThan(ITERATIONS / 5);
    }

    private void check(byte[] input) {
        int len = input.length;
        byte[] exact = input.clone();
        boolean ok = packet.wrap(exact, 0, len);
        byte[] big = new byte[SHIFT + len + GUARD];
        Arrays.fill(big, (byte) 0x5A);
        System.arraycopy(input, 0, big, SHIFT, len);
        assertThat(shifted.wrap(big, SHIFT, len)).isEqualTo(ok);
        if (!ok) {
            assertThat(packet.buffer()).isNull();
            return;
        }
        validPackets++;
        assertThat(shifted.headerLength()).isEqualTo(packet.headerLength());
        assertThat(shifted.payloadOffset() - SHIFT).isEqualTo(packet.payloadOffset());
        assertThat(shifted.payloadLength()).isEqualTo(packet.payloadLength());
        assertThat(shifted.extensionDataLength()).isEqualTo(packet.extensionDataLength());

        int cc = packet.csrcCount();
        assertThat(packet.headerLength()).isBetween(RtpPacket.FIXED_HEADER_LENGTH + 4 * cc, len);
        assertThat(packet.payloadOffset()).isEqualTo(packet.headerLength());
        assertThat(packet.payloadLength()).isNotNegative();
        assertThat(packet.headerLength() + packet.payloadLength() + packet.paddingLength()).isEqualTo(len);
        assertThat(packet.paddingLength() > 0).isEqualTo(packet.hasPadding());
        if (packet.hasPadding()) {
            assertThat(packet.paddingLength()).isEqualTo(input[len - 1] & 0xFF);
        }
        for (int c = 0; c < cc; c++) {
            packet.csrc(c);
        }
        packet.sequenceNumber();
        packet.timestamp();
        packet.ssrc();
        packet.payloadType();
        packet.marker();
        if (packet.hasExtension()) {
            assertThat(packet.extensionDataOffset()).isEqualTo(RtpPacket.FIXED_HEADER_LENGTH + 4 * cc + 4);
            assertThat(packet.extensionDataLength() % 4).isZero();
            assertThat(packet.extensionDataOffset() + packet.extensionDataLength()).isEqualTo(packet.headerLength());
            checkExtensions(exact, big);
        } else {
            assertThat(packet.extensionProfile()).isEqualTo(-1);
            assertThat(extensions.wrap(packet)).isFalse();
        }
        checkPayload(exact, packet.payloadOffset(), packet.payloadLength());
        checkRtxUnwrap(big, len);
    }

    private void checkExtensions(byte[] exact, byte[] big) {
        if (!extensions.wrap(packet)) {
            int profile = packet.extensionProfile();
            assertThat(profile != RtpHeaderExtensions.ONE_BYTE_PROFILE
                    && (profile & RtpHeaderExtensions.TWO_BYTE_PROFILE_MASK) != RtpHeaderExtensions.TWO_BYTE_PROFILE)
                    .isTrue();
            return;
        }
        int start = packet.extensionDataOffset();
        int end = start + packet.extensionDataLength();
        boolean twoByte = extensions.isTwoByte();
        int steps = 0;
        int firstOffset = -1;
        int firstLength = 0;
        int firstId = 0;
        while (extensions.next()) {
            assertThat(++steps).isLessThanOrEqualTo(packet.extensionDataLength());
            elements++;
            int headerSize = twoByte ? 2 : 1;
            assertThat(extensions.dataOffset()).isBetween(start + headerSize, end);
            assertThat(extensions.dataOffset() + extensions.dataLength()).isLessThanOrEqualTo(end);
            if (twoByte) {
                assertThat(extensions.id()).isBetween(1, RtpHeaderExtensions.TWO_BYTE_MAX_ID);
                assertThat(extensions.dataLength()).isBetween(0, RtpHeaderExtensions.TWO_BYTE_MAX_LENGTH);
            } else {
                assertThat(extensions.id()).isBetween(1, RtpHeaderExtensions.ONE_BYTE_MAX_ID);
                assertThat(extensions.dataLength()).isBetween(1, RtpHeaderExtensions.ONE_BYTE_MAX_LENGTH);
            }
            int off = extensions.dataOffset();
            int n = extensions.dataLength();
            AbsSendTimeExtension.read(exact, off, n);
            TransportSequenceExtension.read(exact, off, n);
            AudioLevelExtension.level(exact, off, n);
            AudioLevelExtension.voiceActivity(exact, off, n);
            SdesValueExtension.read(exact, off, n);
            SdesValueExtension.equalsAscii(exact, off, n, "0");
            if (firstOffset < 0) {
                firstOffset = off;
                firstLength = n;
                firstId = extensions.id();
            }
        }
        if (firstOffset < 0) {
            return;
        }
        assertThat(extensions.find(firstId)).isTrue();
        assertThat(extensions.dataOffset()).isEqualTo(firstOffset);

        // remove() pads out exactly the element (header and data); the packet stays valid
        int elementStart = SHIFT + firstOffset - (twoByte ? 2 : 1);
        int elementEnd = SHIFT + firstOffset + firstLength;
        byte[] before = big.clone();
        RtpHeaderExtensions onBig = new RtpHeaderExtensions();
        assertThat(onBig.wrap(shifted)).isTrue();
        assertThat(onBig.find(firstId)).isTrue();
        assertThat(onBig.remove()).isTrue();
        for (int k = 0; k < big.length; k++) {
            if (k >= elementStart && k < elementEnd) {
                assertThat(big[k]).as("removed byte %d", k).isZero();
            } else {
                assertThat(big[k]).as("byte %d outside the element", k).isEqualTo(before[k]);
            }
        }
        System.arraycopy(before, 0, big, 0, big.length);
    }

    private void checkPayload(byte[] buf, int off, int len) {
        if (vp8.wrap(buf, off, len)) {
            assertThat(vp8.descriptorLength()).isBetween(1, len - 1);
            vp8.pictureId();
            vp8.tl0PicIdx();
            vp8.temporalId();
            vp8.keyIndex();
            vp8.isKeyframe();
            vp8.partitionIndex();
        }
        H264Payload.nalType(buf, off, len);
        H264Payload.isKeyframe(buf, off, len);
        Vp9PayloadDescriptor.isKeyframe(buf, off, len);
        Av1AggregationHeader.isKeyframe(buf, off, len);
        assertThat(Rtx.originalSequenceNumber(packet) < 0).isEqualTo(len < Rtx.OSN_LENGTH);
    }

    /** Unwrapping as RTX shrinks the packet by the OSN and writes nothing outside it. */
    private void checkRtxUnwrap(byte[] big, int len) {
        byte[] before = big.clone();
        int result = Rtx.unwrapInPlace(shifted, 97, 0x1234);
        if (result < 0) {
            assertThat(result).isEqualTo(-1);
            assertThat(big).isEqualTo(before);
            return;
        }
        assertThat(result).isEqualTo(len - Rtx.OSN_LENGTH);
        assertThat(shifted.length()).isEqualTo(result);
        assertThat(shifted.buffer()).isSameAs(big);
        assertThat(Arrays.copyOfRange(big, 0, SHIFT)).isEqualTo(Arrays.copyOfRange(before, 0, SHIFT));
        assertThat(Arrays.copyOfRange(big, SHIFT + len, big.length))
                .isEqualTo(Arrays.copyOfRange(before, SHIFT + len, big.length));
    }

    private static byte[] randomRtpRange(Random random) {
        byte[] out = new byte[random.nextInt(80)];
        random.nextBytes(out);
        if (out.length > 0) {
            out[0] = (byte) (0x80 | random.nextInt(0x40));
        }
        return out;
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] out = seed.clone();
        switch (random.nextInt(8)) {
            case 0 -> {
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    int bit = random.nextInt(out.length * 8);
                    out[bit / 8] ^= (byte) (1 << (bit % 8));
                }
            }
            case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            case 2 -> out = Arrays.copyOf(out, random.nextInt(out.length));
            case 3 -> {
                int extra = 1 + random.nextInt(24);
                out = Arrays.copyOf(out, out.length + extra);
                for (int k = seed.length; k < out.length; k++) {
                    out[k] = (byte) random.nextInt(256);
                }
            }
            case 4 -> out[0] = (byte) (0x80 | random.nextInt(0x40)); // P, X and CC
            case 5 -> {
                int ext = RtpPacket.FIXED_HEADER_LENGTH + 4 * (out[0] & 0x0F);
                if (ext + 4 <= out.length) {
                    out[ext + 2] = (byte) random.nextInt(random.nextBoolean() ? 4 : 256);
                    out[ext + 3] = (byte) random.nextInt(256);
                }
            }
            case 6 -> out[out.length - 1] = (byte) random.nextInt(random.nextBoolean() ? 8 : 256);
            default -> {
                // one extension element header rewritten: ID/length nibble or two-byte ID/length
                int ext = RtpPacket.FIXED_HEADER_LENGTH + 4 * (out[0] & 0x0F) + 4;
                if (ext < out.length) {
                    out[ext + random.nextInt(Math.min(8, out.length - ext))] = (byte) random.nextInt(256);
                }
            }
        }
        return out;
    }
}
