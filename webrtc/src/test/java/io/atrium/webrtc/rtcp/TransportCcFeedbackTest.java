package io.atrium.webrtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransportCcFeedbackTest {
    private final TransportCcFeedback fb = new TransportCcFeedback();

    private record Seen(int seq, int status, int delta) {
    }

    private List<Seen> readAll() {
        List<Seen> out = new ArrayList<>();
        while (fb.nextPacket()) {
            out.add(new Seen(fb.sequenceNumber(), fb.status(), fb.deltaTicks()));
        }
        return out;
    }

    @Test
    void readsTwoBitStatusVectorWithSmallAndLargeDeltas() {
        byte[] buf = Hex.bytes("""
                af cd 00 06  00 00 00 01  00 00 00 02  01 00 00 05  00 00 10 03
                d2 50 04 ff  f6 08 00 01
                """);
        assertThat(fb.wrap(buf, 0, buf.length)).isTrue();
        assertThat(fb.senderSsrc()).isEqualTo(1);
        assertThat(fb.mediaSsrc()).isEqualTo(2);
        assertThat(fb.baseSequenceNumber()).isEqualTo(256);
        assertThat(fb.packetStatusCount()).isEqualTo(5);
        assertThat(fb.referenceTime()).isEqualTo(16);
        assertThat(fb.feedbackPacketCount()).isEqualTo(3);
        assertThat(readAll()).containsExactly(
                new Seen(256, TransportCcFeedback.RECEIVED_SMALL_DELTA, 4),
                new Seen(257, TransportCcFeedback.NOT_RECEIVED, 0),
                new Seen(258, TransportCcFeedback.RECEIVED_LARGE_DELTA, -10),
                new Seen(259, TransportCcFeedback.RECEIVED_SMALL_DELTA, 8),
                new Seen(260, TransportCcFeedback.RECEIVED_SMALL_DELTA, 0));
        fb.rewind();
        assertThat(fb.nextPacket()).isTrue();
        assertThat(fb.deltaMicros()).isEqualTo(1000);
    }

    @Test
    void readsRunLengthAndOneBitChunksAcrossSequenceWrap() {
        byte[] buf = Hex.bytes("""
                af cd 00 07  00 00 00 01  00 00 00 02  ff fe 00 11  ff ff ff 07
                20 03 90 01  01 02 03 04  05 00 00 03
                """);
        assertThat(fb.wrap(buf, 0, buf.length)).isTrue();
        assertThat(fb.referenceTime()).isEqualTo(-1);
        List<Seen> all = readAll();
        assertThat(all).hasSize(17);
        assertThat(all.stream().filter(s -> s.status() != 0).toList()).containsExactly(
                new Seen(65534, 1, 1), new Seen(65535, 1, 2), new Seen(0, 1, 3),
                new Seen(2, 1, 4), new Seen(14, 1, 5));
        assertThat(all.get(16).seq()).isEqualTo(14);
    }

    @Test
    void buildThenParseRoundTripWithMixedChunksAndLargeDeltas() {
        TransportCcFeedbackWriter w = new TransportCcFeedbackWriter();
        long ref = 5_000_000L; // 78 x 64 ms + 8 ms
        w.reset(0x0A, 0x0B, 65500, ref, 200);
        List<long[]> added = new ArrayList<>(); // {seq, arrivalMicros}
        long t = ref;
        int seq = 65500;
        // 1) 20 received with small deltas (run length chunk)
        for (int i = 0; i < 20; i++) {
            added.add(new long[] {seq++ & 0xFFFF, t += 1000});
        }
        // 2) gap of 30 lost (run length of "not received"), then alternating received/lost (1-bit vector)
        seq += 30;
        for (int i = 0; i < 14; i++) {
            added.add(new long[] {seq & 0xFFFF, t += 500});
            seq += 2;
        }
        // 3) large and negative deltas mixed with small ones and losses (2-bit vectors)
        added.add(new long[] {seq++ & 0xFFFF, t += 100_000});  // 400 ticks: large
        added.add(new long[] {seq++ & 0xFFFF, t -= 3_000});    // negative: large
        seq++;
        added.add(new long[] {seq++ & 0xFFFF, t += 250});
        added.add(new long[] {seq++ & 0xFFFF, t += 8_000_000}); // 32000 ticks: large, near the limit
        added.add(new long[] {seq++ & 0xFFFF, t += 250});
        for (long[] p : added) {
            assertThat(w.addReceived((int) p[0], p[1])).isTrue();
        }
        int statusCount = w.statusCount();
        assertThat(statusCount).isEqualTo(((int) added.get(added.size() - 1)[0] - 65500 & 0xFFFF) + 1);

        byte[] buf = new byte[600];
        int n = w.write(buf, 7, 593);
        assertThat(n).isPositive();
        assertThat(n % 4).isZero();
        assertThat(new RtcpCompound().wrap(buf, 7, n)).isTrue();
        assertThat(fb.wrap(buf, 7, n)).isTrue();
        assertThat(fb.baseSequenceNumber()).isEqualTo(65500);
        assertThat(fb.packetStatusCount()).isEqualTo(statusCount);
        assertThat(fb.referenceTime()).isEqualTo(78);
        assertThat(fb.feedbackPacketCount()).isEqualTo(200);
        assertThat(chunkKinds(buf, 7, statusCount)).containsExactlyInAnyOrder("run", "1-bit", "2-bit");

        long ticks = 78L * 256;
        int i = 0;
        Set<Integer> kinds = new HashSet<>();
        while (fb.nextPacket()) {
            if (!fb.received()) {
                continue;
            }
            long[] expected = added.get(i++);
            assertThat(fb.sequenceNumber()).isEqualTo((int) expected[0]);
            ticks += fb.deltaTicks();
            assertThat(ticks).isEqualTo(expected[1] / 250);
            kinds.add(fb.status());
        }
        assertThat(i).isEqualTo(added.size());
        assertThat(kinds).containsExactlyInAnyOrder(1, 2);
    }

    /** Kinds of the chunks covering {@code statusCount} packets. */
    private static Set<String> chunkKinds(byte[] buf, int off, int statusCount) {
        Set<String> kinds = new HashSet<>();
        int pos = off + 20;
        int seen = 0;
        while (seen < statusCount) {
            int chunk = (buf[pos] & 0xFF) << 8 | (buf[pos + 1] & 0xFF);
            pos += 2;
            if ((chunk & 0x8000) == 0) {
                kinds.add("run");
                seen += chunk & 0x1FFF;
            } else if ((chunk & 0x4000) == 0) {
                kinds.add("1-bit");
                seen += 14;
            } else {
                kinds.add("2-bit");
                seen += 7;
            }
        }
        return kinds;
    }

    @Test
    void writerRefusesWhatCannotBeEncoded() {
        TransportCcFeedbackWriter w = new TransportCcFeedbackWriter(4);
        w.reset(1, 2, 10, 0, 0);
        assertThat(w.write(new byte[100], 0, 100)).isEqualTo(-1); // nothing added
        assertThat(w.addReceived(9, 0)).isFalse();                 // before base
        assertThat(w.addReceived(10, 1000)).isTrue();
        assertThat(w.addReceived(10, 2000)).isFalse();             // duplicate
        assertThat(w.addReceived(11, 1000 + 32768L * 250)).isFalse(); // delta over 16 bits
        assertThat(w.addReceived(11, 1000 - 32769L * 250)).isFalse();
        assertThat(w.addReceived(14, 3000)).isFalse();             // beyond capacity 4
        assertThat(w.addReceived(13, 3000)).isTrue();
        assertThat(w.statusCount()).isEqualTo(4);
        assertThat(w.write(new byte[100], 0, 23)).isEqualTo(-1);
        assertThat(w.write(new byte[100], 0, 24)).isEqualTo(24);
    }

    @Test
    void writerOutputWithoutPaddingHasNoPaddingBit() {
        TransportCcFeedbackWriter w = new TransportCcFeedbackWriter();
        w.reset(1, 2, 0, 0, 0);
        w.addReceived(0, 250);
        w.addReceived(1, 500);
        byte[] buf = new byte[24];
        // 20 header + 2 chunk + 2 small deltas = 24
        assertThat(w.write(buf, 0, 24)).isEqualTo(24);
        assertThat(buf[0] & 0x20).isZero();
        assertThat(fb.wrap(buf, 0, 24)).isTrue();
        assertThat(readAll()).containsExactly(new Seen(0, 1, 1), new Seen(1, 1, 1));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("status count zero", "8f cd 00 05 00 00 00 01 00 00 00 02 00 00 00 00 00 00 00 00 20 01 00 00"),
                Arguments.of("header only", "8f cd 00 04 00 00 00 01 00 00 00 02 00 00 00 01 00 00 00 00"),
                Arguments.of("chunks run out", "8f cd 00 05 00 00 00 01 00 00 00 02 00 00 00 09 00 00 00 00 20 01 00 00"),
                Arguments.of("deltas past end", "8f cd 00 05 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 00 40 03 00 00"),
                Arguments.of("reserved symbol in run", "8f cd 00 05 00 00 00 01 00 00 00 02 00 00 00 01 00 00 00 00 60 01 00 00"),
                Arguments.of("reserved symbol in 2-bit vector",
                        "8f cd 00 05 00 00 00 01 00 00 00 02 00 00 00 01 00 00 00 00 f0 00 00 00"),
                Arguments.of("wrong FMT", "81 cd 00 05 00 00 00 01 00 00 00 02 00 00 00 01 00 00 00 00 20 01 00 00"),
                Arguments.of("length past buffer", "8f cd 00 09 00 00 00 01 00 00 00 02 00 00 00 01 00 00 00 00 20 01 00 00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedFeedback(String name, String hex) {
        byte[] buf = Hex.bytes(hex);
        assertThat(fb.wrap(buf, 0, buf.length)).isFalse();
        assertThat(fb.nextPacket()).isFalse();
    }

    @Test
    void skipsEmptyRunLengthChunks() {
        // a zero-length run chunk, then one received packet with delta 2
        byte[] buf = Hex.bytes("8f cd 00 05 00 00 00 01 00 00 00 02 00 07 00 01 00 00 00 00 00 00 20 01 02 00 00 00");
        buf[3] = 6;
        assertThat(fb.wrap(buf, 0, buf.length)).isTrue();
        assertThat(readAll()).containsExactly(new Seen(7, 1, 2));
    }
}
