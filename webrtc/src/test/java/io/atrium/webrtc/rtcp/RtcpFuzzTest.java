package io.atrium.webrtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of {@link RtcpCompound} (RFC 3550 section 6.1 and appendix A.2) and of every RTCP
 * reader applied to each packet it yields: SR/RR (RFC 3550 6.4), SDES (6.5), BYE (6.6), generic NACK and
 * PLI (RFC 4585 6.2.1, 6.3.1), FIR (RFC 5104 4.3.1), REMB and transport-wide feedback. Inputs are
 * mutations of real compounds and random bytes in the RTCP range (RFC 5761 section 4: first byte
 * 128..191, packet type 192..223). Nothing may throw; what a reader accepts must lie inside the packet.
 * Each reader also runs on an array holding exactly the packet, so a read past its end throws.
 */
class RtcpFuzzTest {
    private static final long SEED = 0x52_54_43_50L;
    private static final int ITERATIONS = 6000;

    private final RtcpCompound compound = new RtcpCompound();
    private final SenderReport sr = new SenderReport();
    private final ReceiverReport rr = new ReceiverReport();
    private final SourceDescription sdes = new SourceDescription();
    private final Bye bye = new Bye();
    private final GenericNack nack = new GenericNack();
    private final PictureLossIndication pli = new PictureLossIndication();
    private final FullIntraRequest fir = new FullIntraRequest();
    private final Remb remb = new Remb();
    private final TransportCcFeedback tcc = new TransportCcFeedback();
    private final int[] lost = new int[GenericNack.SEQUENCES_PER_ENTRY * 512];
    private int validCompounds;
    /** Packets each reader accepted, in the order SR, RR, SDES, BYE, NACK, PLI, FIR, REMB, TWCC. */
    private final int[] hits = new int[9];

    @Test
    void mutatedAndRandomCompoundsAreRefusedOrReadInBounds() {
        List<byte[]> seeds = seeds();
        for (byte[] seed : seeds) {
            assertThat(compound.wrap(seed, 0, seed.length)).as(HexFormat.of().formatHex(seed)).isTrue();
        }
        Random random = new Random(SEED);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = random.nextInt(4) == 0 ? randomRtcpRange(random)
                    : mutate(seeds.get(random.nextInt(seeds.size())), random);
            try {
                check(input);
            } catch (AssertionError e) {
                throw new AssertionError("iteration " + i + " on " + HexFormat.of().formatHex(input), e);
            } catch (RuntimeException e) {
                fail("iteration " + i + " threw on " + HexFormat.of().formatHex(input), e);
            }
        }
        assertThat(validCompounds).isGreaterThan(ITERATIONS / 5);
        // every reader must keep seeing packets it accepts, or this test proves little about it
        String[] readers = {"SR", "RR", "SDES", "BYE", "NACK", "PLI", "FIR", "REMB", "TWCC"};
        for (int k = 0; k < hits.length; k++) {
            assertThat(hits[k]).as("packets the %s reader accepted", readers[k]).isGreaterThan(100);
        }
    }

    private void check(byte[] input) {
        int len = input.length;
        if (!compound.wrap(input, 0, len)) {
            assertThat(compound.next()).isFalse();
            return;
        }
        validCompounds++;
        compound.startsWithReport();
        int expectedOffset = 0;
        int packets = 0;
        while (compound.next()) {
            assertThat(++packets).isLessThanOrEqualTo(len / RtcpHeader.HEADER_LENGTH);
            int off = compound.packetOffset();
            int packetLength = compound.packetLength();
            assertThat(off).isEqualTo(expectedOffset);
            assertThat(packetLength % 4).isZero();
            assertThat(packetLength).isBetween(RtcpHeader.HEADER_LENGTH, len - off);
            assertThat(compound.contentLength()).isBetween(RtcpHeader.HEADER_LENGTH, packetLength);
            assertThat(compound.packetType()).isEqualTo(input[off + 1] & 0xFF);
            assertThat(compound.count()).isBetween(0, RtcpHeader.MAX_COUNT);
            expectedOffset = off + packetLength;

            readAll(input, off, packetLength, compound.contentLength());
            readAll(Arrays.copyOfRange(input, off, off + packetLength), 0, packetLength, compound.contentLength());
        }
        assertThat(expectedOffset).isEqualTo(len);
    }

    /** Every reader on one packet; whichever accepts it must report offsets inside its content. */
    private void readAll(byte[] buf, int off, int len, int content) {
        int end = off + content;
        if (sr.wrap(buf, off, len)) {
            hits[0]++;
            sr.senderSsrc();
            sr.ntpTimestamp();
            sr.rtpTimestamp();
            sr.packetCount();
            sr.octetCount();
            for (int i = 0; i < sr.reportCount(); i++) {
                assertThat(sr.reportBlockOffset(i) + ReportBlock.LENGTH).isLessThanOrEqualTo(end);
                assertThat(sr.reportBlock(i).fractionLost()).isBetween(0, 255);
            }
        }
        if (rr.wrap(buf, off, len)) {
            hits[1]++;
            rr.senderSsrc();
            for (int i = 0; i < rr.reportCount(); i++) {
                assertThat(rr.reportBlockOffset(i) + ReportBlock.LENGTH).isLessThanOrEqualTo(end);
                rr.reportBlock(i);
            }
        }
        if (sdes.wrap(buf, off, len)) {
            hits[2]++;
            int chunks = 0;
            while (sdes.nextChunk()) {
                assertThat(++chunks).isLessThanOrEqualTo(sdes.chunkCount());
                int items = 0;
                while (sdes.nextItem()) {
                    assertThat(++items).isLessThanOrEqualTo(content / 2);
                    assertThat(sdes.itemOffset()).isGreaterThan(off);
                    assertThat(sdes.itemOffset() + sdes.itemLength()).isLessThanOrEqualTo(end);
                    sdes.itemText();
                }
                sdes.cname(sdes.chunkSsrc());
                break; // cname() rewound the cursor
            }
        }
        if (bye.wrap(buf, off, len)) {
            hits[3]++;
            assertThat(RtcpHeader.HEADER_LENGTH + 4 * bye.sourceCount()).isLessThanOrEqualTo(content);
            for (int i = 0; i < bye.sourceCount(); i++) {
                bye.ssrc(i);
            }
            if (bye.reasonOffset() >= 0) {
                assertThat(bye.reasonOffset() + bye.reasonLength()).isLessThanOrEqualTo(end);
                bye.reason();
            }
        }
        if (nack.wrap(buf, off, len)) {
            hits[4]++;
            int entries = nack.entryCount();
            assertThat(entries).isPositive();
            assertThat(RtcpHeader.FEEDBACK_HEADER_LENGTH + 4 * entries).isLessThanOrEqualTo(content);
            nack.senderSsrc();
            nack.mediaSsrc();
            int n = nack.lostSequenceNumbers(lost);
            assertThat(n).isBetween(Math.min(entries, lost.length), lost.length);
            for (int i = 0; i < n; i++) {
                assertThat(lost[i]).isBetween(0, 0xFFFF);
            }
        }
        if (pli.wrap(buf, off, len)) {
            hits[5]++;
            pli.senderSsrc();
            pli.mediaSsrc();
        }
        if (fir.wrap(buf, off, len)) {
            hits[6]++;
            assertThat(fir.entryCount()).isPositive();
            assertThat(RtcpHeader.FEEDBACK_HEADER_LENGTH + 8 * fir.entryCount()).isLessThanOrEqualTo(content);
            for (int i = 0; i < fir.entryCount(); i++) {
                fir.ssrc(i);
                fir.sequenceNumber(i);
            }
        }
        Remb.isRemb(buf, off, len);
        if (remb.wrap(buf, off, len)) {
            hits[7]++;
            assertThat(Remb.MIN_LENGTH + 4 * remb.ssrcCount()).isLessThanOrEqualTo(content);
            assertThat(remb.bitrate()).isNotNegative();
            for (int i = 0; i < remb.ssrcCount(); i++) {
                remb.ssrc(i);
            }
        }
        if (tcc.wrap(buf, off, len)) {
            hits[8]++;
            int count = tcc.packetStatusCount();
            assertThat(count).isBetween(1, 0xFFFF);
            tcc.referenceTime();
            tcc.feedbackPacketCount();
            int seen = 0;
            while (tcc.nextPacket()) {
                assertThat(tcc.sequenceNumber()).isEqualTo((tcc.baseSequenceNumber() + seen) & 0xFFFF);
                seen++;
                switch (tcc.status()) {
                    case TransportCcFeedback.NOT_RECEIVED -> assertThat(tcc.deltaTicks()).isZero();
                    case TransportCcFeedback.RECEIVED_SMALL_DELTA -> assertThat(tcc.deltaTicks()).isBetween(0, 255);
                    case TransportCcFeedback.RECEIVED_LARGE_DELTA ->
                            assertThat(tcc.deltaTicks()).isBetween(-32768, 32767);
                    default -> fail("status " + tcc.status());
                }
            }
            assertThat(seen).isEqualTo(count);
        }
    }

    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        byte[] buf = new byte[1500];
        int n = 0;
        n += SenderReport.write(buf, n, buf.length - n, 0x11111111, 0xE300000080000000L, 4096, 10, 1000,
                List.of(new ReportBlock(0x22222222, 12, 345, 70000, 17, 0x12345678, 0x10000),
                        new ReportBlock(0x33333333, 0, -3, 5, 0, 0, 0)));
        n += SourceDescription.writeCname(buf, n, buf.length - n, 0x11111111, "fuzz@atrium");
        n += Bye.write(buf, n, buf.length - n, new int[] {0x11111111, 0x44444444}, "gone");
        seeds.add(Arrays.copyOf(buf, n));

        n = ReceiverReport.write(buf, 0, buf.length, 0x55555555,
                List.of(new ReportBlock(0x66666666, 255, 8_000_000, 1, 2, 3, 4)));
        n += GenericNack.write(buf, n, buf.length - n, 0x55555555, 0x66666666,
                new int[] {100 << 16 | 0x8001, 65535 << 16 | 0xFFFF}, 2);
        n += PictureLossIndication.write(buf, n, buf.length - n, 0x55555555, 0x66666666);
        n += FullIntraRequest.write(buf, n, buf.length - n, 0x55555555, new int[] {0x66666666, 0x77777777},
                new int[] {3, 250}, 2);
        n += Remb.write(buf, n, buf.length - n, 0x55555555, 2_500_000, new int[] {0x66666666, 0x77777777}, 2);
        seeds.add(Arrays.copyOf(buf, n));

        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter();
        writer.reset(0x55555555, 0x66666666, 65530, 1_000_000, 7);
        long[][] arrivals = {{65530, 1_000_000}, {65531, 1_000_250}, {65533, 1_100_000}, {65535, 1_099_000},
            {0, 1_100_500}, {5, 1_400_000}, {40, 1_400_250}};
        for (long[] a : arrivals) {
            assertThat(writer.addReceived((int) a[0], a[1])).isTrue();
        }
        n = writer.write(buf, 0, buf.length);
        seeds.add(Arrays.copyOf(buf, n));

        seeds.add(Hex.bytes("""
                af cd 00 06  00 00 00 01  00 00 00 02  01 00 00 05  00 00 10 03
                d2 50 04 ff  f6 08 00 01
                """));
        seeds.add(Hex.bytes("""
                80 c9 00 01 00 00 00 01
                af cd 00 07  00 00 00 01  00 00 00 02  ff fe 00 11  ff ff ff 07
                20 03 90 01  01 02 03 04  05 00 00 03
                """));
        seeds.add(Hex.bytes("80 c9 00 01 00 00 00 01  a1 cb 00 02 00 00 00 01 00 00 00 04"));
        // tight layouts: TWCC deltas end exactly at the packet end, SDES chunk ends where padding begins
        seeds.add(Hex.bytes("8f cd 00 06  00 00 00 01  00 00 00 02  00 01 00 07  00 00 10 03  d5 54 01 02 03 04 05 06"));
        seeds.add(Hex.bytes("a1 ca 00 04  11 11 11 11  01 05 61 62 63 64 65 00  00 00 00 04"));
        return seeds;
    }

    private static byte[] randomRtcpRange(Random random) {
        byte[] out = new byte[random.nextInt(25) * 4 + random.nextInt(2) * random.nextInt(4)];
        random.nextBytes(out);
        if (out.length > 1) {
            out[0] = (byte) (0x80 | random.nextInt(0x40));
            out[1] = (byte) (192 + random.nextInt(32));
        }
        if (out.length > 3) {
            out[2] = 0;
            out[3] = (byte) random.nextInt(out.length / 4 + 1);
        }
        return out;
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] out = seed.clone();
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
                int extra = 4 * (1 + random.nextInt(6));
                out = Arrays.copyOf(out, out.length + extra);
                for (int k = seed.length; k < out.length; k++) {
                    out[k] = (byte) random.nextInt(256);
                }
            }
            default -> {
                // rewrite a field of one packet's header or of the word after it: count, padding, type,
                // length, or the first bytes of its body (REMB count, TCC status count, SDES item length)
                int header = packetStart(out, random);
                int field = header + random.nextInt(Math.min(20, out.length - header));
                out[field] = (byte) (field == header ? 0x80 | random.nextInt(0x40)
                        : random.nextBoolean() ? random.nextInt(8) : random.nextInt(256));
            }
        }
        return out;
    }

    /** The offset of a random packet of a valid seed compound. */
    private static int packetStart(byte[] seed, Random random) {
        List<Integer> starts = new ArrayList<>();
        for (int pos = 0; pos + RtcpHeader.HEADER_LENGTH <= seed.length; pos += RtcpHeader.declaredLength(seed, pos)) {
            starts.add(pos);
        }
        return starts.get(random.nextInt(starts.size()));
    }
}
