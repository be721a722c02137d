package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.sfu.ForwarderRewriteTest.Out;
import io.atrium.webrtc.rtp.RtpPacket;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table tests of VP8 temporal-layer forwarding (the {@link Forwarder} with a temporal target): frames of temporal
 * layers above the target are left out, and what the subscriber gets still has gapless sequence numbers and picture
 * ids, unchanged TL0PICIDX, frames kept or dropped whole, late packets and NACKs in their place, switches up only
 * where the decoder can follow (a layer-sync frame of the next layer, or a keyframe), and counters continued across
 * a simulcast switch. Packets are L1T3-shaped as Chrome sends them: 15-bit picture id, TL0PICIDX, TID, Y.
 */
class TemporalForwardingTest {

    /** One thing that happens to the forwarder. */
    interface Step extends BiConsumer<Forwarder, Integer> {
    }

    /** A packet of simulcast layer {@code layer}: sequence number, picture id, TL0PICIDX, TID, Y, first of its frame, keyframe. */
    static Step packet(int layer, int seq, int pid, int tl0, int tid, boolean sync, boolean start, boolean key) {
        return (f, i) -> {
            byte[] payload = Vp8.temporal(pid, tl0, tid, sync, start, key);
            byte[] buf = new byte[12 + payload.length];
            RtpPacket.writeHeader(buf, 0, false, 96, seq, pid * 3000, layer == 0 ? 0x1000 : 0x2000);
            System.arraycopy(payload, 0, buf, 12, payload.length);
            RtpPacket p = new RtpPacket();
            assertThat(p.wrap(buf, 0, buf.length)).isTrue();
            f.receiver.onMedia(f.receiver.layers[layer], p, 1_000_000 + 33L * i, false);
        };
    }

    static Step key(int seq, int pid, int tl0) {
        return packet(0, seq, pid, tl0, 0, false, true, true);
    }

    /** A whole one-packet frame of layer 0. */
    static Step frame(int seq, int pid, int tl0, int tid, boolean sync) {
        return packet(0, seq, pid, tl0, tid, sync, true, false);
    }

    /** The allocation gives TL0 to TL{@code t} of the layer forwarded now. */
    static Step target(int t) {
        return (f, i) -> f.allocate(f.current, t, 1_000_000 + 33L * i);
    }

    static Step nack(int outSeq) {
        return (f, i) -> f.retransmit(new int[] {outSeq}, 1);
    }

    static Step want(int layer) {
        return (f, i) -> f.pending = layer;
    }

    static Out out(int seq, int pid, int tl0) {
        return new Out(seq, 0, pid, tl0, false);
    }

    static Out rtx(int seq, int pid, int tl0) {
        return new Out(seq, 0, pid, tl0, true);
    }

    record Case(String name, List<Step> steps, List<Out> want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final int ALL = Allocator.ALL_TEMPORAL;

    static Stream<Case> cases() {
        return Stream.of(
                new Case("TL2 left out: sequence numbers and picture ids without gaps, TL0PICIDX kept",
                        List.of(target(1), key(100, 10, 5), frame(101, 11, 5, 2, true), frame(102, 12, 5, 1, true),
                                frame(103, 13, 5, 2, false), frame(104, 14, 6, 0, false), frame(105, 15, 6, 2, true),
                                frame(106, 16, 6, 1, true)),
                        List.of(out(100, 10, 5), out(101, 11, 5), out(102, 12, 6), out(103, 13, 6))),
                new Case("TL0 only",
                        List.of(target(0), key(100, 10, 5), frame(101, 11, 5, 2, true), frame(102, 12, 5, 1, true),
                                frame(103, 13, 5, 2, false), frame(104, 14, 6, 0, false), frame(105, 15, 6, 2, true)),
                        List.of(out(100, 10, 5), out(101, 11, 6))),
                new Case("every temporal layer: nothing left out",
                        List.of(key(100, 10, 5), frame(101, 11, 5, 2, true), frame(102, 12, 5, 1, true)),
                        List.of(out(100, 10, 5), out(101, 11, 5), out(102, 12, 5))),
                new Case("a frame's packets are kept or left out together; a lower target applies at the next frame",
                        List.of(target(1), key(100, 10, 5), packet(0, 101, 11, 5, 2, true, true, false),
                                packet(0, 102, 11, 5, 2, true, false, false), packet(0, 103, 12, 5, 1, true, true, false),
                                target(0), packet(0, 104, 12, 5, 1, true, false, false), frame(105, 13, 5, 2, false),
                                frame(106, 14, 6, 0, false)),
                        List.of(out(100, 10, 5), out(101, 11, 5), out(102, 11, 5), out(103, 12, 6))),
                new Case("late and reordered packets keep their place among the dropped ones; a NACK gets the right packet",
                        List.of(target(1), key(100, 10, 5), frame(101, 11, 5, 2, true),
                                packet(0, 103, 12, 5, 1, true, false, false), frame(104, 13, 5, 2, false),
                                packet(0, 102, 12, 5, 1, true, true, false), frame(105, 14, 6, 0, false), nack(101), nack(102)),
                        List.of(out(100, 10, 5), out(102, 11, 5), out(101, 11, 5), out(103, 12, 6), rtx(101, 11, 5),
                                rtx(102, 11, 5))),
                new Case("a late packet of a layer left out is not sent, nor sent again on a NACK",
                        List.of(target(1), key(100, 10, 5), frame(102, 12, 5, 1, true), frame(101, 11, 5, 2, true), nack(101)),
                        List.of(out(100, 10, 5), out(102, 12, 5))),
                new Case("up only at a layer-sync frame of the next layer, one layer at a time",
                        List.of(target(0), key(100, 10, 5), frame(101, 11, 5, 2, true), target(ALL), frame(102, 12, 5, 1, false),
                                frame(103, 13, 5, 2, true), frame(104, 14, 6, 0, false), frame(105, 15, 6, 2, true),
                                frame(106, 16, 6, 1, true), frame(107, 17, 6, 2, false), frame(108, 18, 7, 0, false),
                                frame(109, 19, 7, 2, true), frame(110, 20, 7, 1, false), frame(111, 21, 7, 2, false)),
                        List.of(out(100, 10, 5), out(101, 11, 6), out(102, 12, 6), out(103, 13, 7), out(104, 14, 7),
                                out(105, 15, 7), out(106, 16, 7))),
                new Case("a keyframe gives every temporal layer at once",
                        List.of(target(0), key(100, 10, 5), frame(101, 11, 5, 1, true), target(ALL), frame(102, 12, 5, 1, false),
                                key(103, 13, 6), frame(104, 14, 6, 2, false)),
                        List.of(out(100, 10, 5), out(101, 11, 6), out(102, 12, 6))),
                new Case("a simulcast switch continues sequence numbers, picture ids and TL0PICIDX after drops",
                        List.of(target(1), key(100, 10, 5), frame(101, 11, 5, 2, true), frame(102, 12, 5, 1, true), want(1),
                                packet(1, 5000, 400, 77, 0, false, true, true), packet(1, 5001, 401, 77, 2, true, true, false),
                                packet(1, 5002, 402, 77, 1, true, true, false)),
                        List.of(out(100, 10, 5), out(101, 11, 5), out(102, 12, 6), out(103, 13, 6))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void table(Case c) {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, 97, List.of("q", "h"),
                List.of(0x1000L, 0x2000L), List.of(0L, 0L), 0, 0, 0, 0, 0);
        Publisher publisher = new Publisher(new ForwarderRewriteTest.Sink(), List.of(video), 1,
                MediaLimits.defaults().maxPublishBitrate());
        Receiver receiver = publisher.receivers().get(0);
        ForwarderRewriteTest.Sink sink = new ForwarderRewriteTest.Sink();
        Subscriber subscriber = new Subscriber(sink);
        Forwarder forwarder = new Forwarder(receiver, subscriber, ForwarderRewriteTest.SSRC, ForwarderRewriteTest.PT,
                ForwarderRewriteTest.RTX_SSRC, ForwarderRewriteTest.RTX_PT, "c");
        subscriber.addForwarder(forwarder);
        for (int i = 0; i < c.steps().size(); i++) {
            c.steps().get(i).accept(forwarder, i);
        }
        assertThat(sink.received.stream().map(o -> new Out(o.seq(), 0, o.pid(), o.tl0(), o.rtx())).toList())
                .containsExactlyElementsOf(c.want());
    }
}
