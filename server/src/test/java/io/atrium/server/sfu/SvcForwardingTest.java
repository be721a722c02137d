package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.rtp.Vp9PayloadDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table tests of VP9 SVC forwarding (the {@link Forwarder} with a spatial target): packets of spatial layers above
 * the target are left out, the target goes down at the next picture and up only at a keyframe, the marker bit ends
 * each picture on the top spatial layer forwarded, sequence numbers stay gapless while picture ids keep the
 * publisher's values, and NACKs never bring back a layer left out. Packets are shaped as Chrome sends {@code L3T3_KEY}:
 * non-flexible mode, 15-bit picture id, layer indices, TL0PICIDX, and on key frames a scalability structure with the
 * sizes 320×180, 640×360, 1280×720; one packet per spatial layer frame.
 */
class SvcForwardingTest {

    interface Step extends BiConsumer<Forwarder, Integer> {
    }

    static long now(int i) {
        return 1_000_000 + 33L * i;
    }

    /** One packet: sequence number, picture id, TL0PICIDX, TID, SID, key picture, U bit, marker (end of picture). */
    static byte[] payload(int pid, int tl0, int tid, int sid, boolean key, boolean up) {
        byte b0 = (byte) (0x80 | (key ? 0 : 0x40) | 0x20 | 0x08 | 0x04 | (key && sid == 0 ? 0x02 : 0));
        byte[] head = {b0, (byte) (0x80 | pid >> 8), (byte) pid, (byte) (tid << 5 | (up ? 0x10 : 0) | sid << 1 | (key && sid > 0 ? 1 : 0)),
            (byte) tl0};
        byte[] ss = key && sid == 0 ? new byte[] {0x50, 0x01, 0x40, 0x00, (byte) 0xb4, 0x02, (byte) 0x80, 0x01, 0x68, 0x05, 0x00,
            0x02, (byte) 0xd0} : new byte[0];
        byte[] out = Arrays.copyOf(head, head.length + ss.length + 1);
        System.arraycopy(ss, 0, out, head.length, ss.length);
        out[out.length - 1] = (byte) (0x40 | sid);
        return out;
    }

    static Step packet(int seq, int pid, int tl0, int tid, int sid, boolean key, boolean up, boolean marker) {
        return (f, i) -> {
            byte[] p = payload(pid, tl0, tid, sid, key, up);
            byte[] buf = new byte[12 + p.length];
            RtpPacket.writeHeader(buf, 0, marker, 98, seq, pid * 3000, 0x1000);
            System.arraycopy(p, 0, buf, 12, p.length);
            RtpPacket packet = new RtpPacket();
            assertThat(packet.wrap(buf, 0, buf.length)).isTrue();
            f.receiver.onMedia(f.receiver.layers[0], packet, now(i), false);
        };
    }

    /** A whole picture of three spatial layers from sequence number {@code seq}, marker on SID 2. */
    static List<Step> picture(int seq, int pid, int tl0, int tid, boolean key) {
        return List.of(packet(seq, pid, tl0, tid, 0, key, tid > 0, false), packet(seq + 1, pid, tl0, tid, 1, key, tid > 0, false),
                packet(seq + 2, pid, tl0, tid, 2, key, tid > 0, true));
    }

    /** The allocation gives spatial layers 0 to {@code s} with temporal layers 0 to {@code t}. */
    static Step target(int s, int t) {
        return (f, i) -> f.allocate(s, t, now(i));
    }

    static Step nack(int outSeq) {
        return (f, i) -> f.retransmit(new int[] {outSeq}, 1);
    }

    /** What the subscriber gets: sequence number, picture id, SID, TID, marker; RTX marked. */
    record Out(int seq, int pid, int sid, int tid, boolean marker, boolean rtx) {
        @Override
        public String toString() {
            return (rtx ? "rtx(" : "(") + seq + ", pid " + pid + ", S" + sid + "T" + tid + (marker ? ", M)" : ")");
        }
    }

    static Out out(int seq, int pid, int sid, int tid, boolean marker) {
        return new Out(seq, pid, sid, tid, marker, false);
    }

    record Case(String name, List<Step> steps, List<Out> want) {
        @Override
        public String toString() {
            return name;
        }
    }

    @SafeVarargs
    static List<Step> steps(Object... parts) {
        List<Step> all = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof Step s) {
                all.add(s);
            } else {
                @SuppressWarnings("unchecked")
                List<Step> list = (List<Step>) p;
                all.addAll(list);
            }
        }
        return all;
    }

    static final int ALL = Allocator.ALL_TEMPORAL;

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no target: every layer forwarded as it came, marker on SID 2",
                        steps(picture(100, 10, 5, 0, true), picture(103, 11, 5, 2, false)),
                        List.of(out(100, 10, 0, 0, false), out(101, 10, 1, 0, false), out(102, 10, 2, 0, true),
                                out(103, 11, 0, 2, false), out(104, 11, 1, 2, false), out(105, 11, 2, 2, true))),
                new Case("down to SID 0 mid-stream: from the next picture on, gapless, marker on SID 0's end",
                        steps(picture(100, 10, 5, 0, true), packet(103, 11, 6, 0, 0, false, false, false), target(0, ALL),
                                packet(104, 11, 6, 0, 1, false, false, false), packet(105, 11, 6, 0, 2, false, false, true),
                                picture(106, 12, 7, 0, false), picture(109, 13, 8, 0, false)),
                        List.of(out(100, 10, 0, 0, false), out(101, 10, 1, 0, false), out(102, 10, 2, 0, true),
                                out(103, 11, 0, 0, false), out(104, 11, 1, 0, false), out(105, 11, 2, 0, true),
                                out(106, 12, 0, 0, true), out(107, 13, 0, 0, true))),
                new Case("down to SID 1: marker on SID 1",
                        steps(picture(100, 10, 5, 0, true), target(1, ALL), picture(103, 11, 6, 0, false)),
                        List.of(out(100, 10, 0, 0, false), out(101, 10, 1, 0, false), out(102, 10, 2, 0, true),
                                out(103, 11, 0, 0, false), out(104, 11, 1, 0, true))),
                new Case("up from SID 0 only at the next keyframe, not at a delta picture",
                        steps(picture(100, 10, 5, 0, true), target(0, ALL), picture(103, 11, 6, 0, false), target(2, ALL),
                                picture(106, 12, 7, 0, false), picture(109, 13, 8, 0, true), picture(112, 14, 9, 0, false)),
                        List.of(out(100, 10, 0, 0, false), out(101, 10, 1, 0, false), out(102, 10, 2, 0, true),
                                out(103, 11, 0, 0, true), out(104, 12, 0, 0, true), out(105, 13, 0, 0, false),
                                out(106, 13, 1, 0, false), out(107, 13, 2, 0, true), out(108, 14, 0, 0, false),
                                out(109, 14, 1, 0, false), out(110, 14, 2, 0, true))),
                new Case("SID 1 with TL0 and TL1: TL2 pictures dropped whole, picture ids keep the publisher's gaps",
                        steps(picture(100, 10, 5, 0, true), target(1, 1), picture(103, 11, 6, 0, false),
                                picture(106, 12, 6, 2, false), picture(109, 13, 6, 1, false), picture(112, 14, 6, 2, false),
                                picture(115, 15, 7, 0, false)),
                        List.of(out(100, 10, 0, 0, false), out(101, 10, 1, 0, false), out(102, 10, 2, 0, true),
                                out(103, 11, 0, 0, false), out(104, 11, 1, 0, true), out(105, 13, 0, 1, false),
                                out(106, 13, 1, 1, true), out(107, 15, 0, 0, false), out(108, 15, 1, 0, true))),
                new Case("a NACK for a gap a late packet of a layer left out fills upstream is not answered",
                        steps(picture(100, 10, 5, 0, true), target(0, ALL), packet(103, 11, 6, 0, 0, false, false, false),
                                picture(106, 12, 7, 0, false), nack(104), packet(104, 11, 6, 0, 1, false, false, false),
                                nack(104), nack(103)),
                        List.of(out(100, 10, 0, 0, false), out(101, 10, 1, 0, false), out(102, 10, 2, 0, true),
                                out(103, 11, 0, 0, true), out(106, 12, 0, 0, true), new Out(103, 11, 0, 0, true, true))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void table(Case c) {
        Setup s = new Setup();
        for (int i = 0; i < c.steps().size(); i++) {
            c.steps().get(i).accept(s.forwarder, i);
        }
        assertThat(s.sink.received).containsExactlyElementsOf(c.want());
    }

    /**
     * Raising the spatial target asks the publisher for a keyframe (the upper layers restart only from one), once per
     * new target and again after a second without one; lowering it asks for nothing.
     */
    @Test
    void upSwitchAsksForAKeyframe() {
        Setup s = new Setup();
        picture(100, 10, 5, 0, true).forEach(step -> step.accept(s.forwarder, 0));
        target(0, ALL).accept(s.forwarder, 1);
        picture(103, 11, 6, 0, false).forEach(step -> step.accept(s.forwarder, 2));
        assertThat(s.forwarder.spatialLayer()).isZero();
        long before = s.publisher.counters.pliOut;
        s.forwarder.allocate(1, ALL, now(10));
        assertThat(s.publisher.counters.pliOut).as("a keyframe asked for on the rise").isEqualTo(before + 1);
        s.forwarder.allocate(1, ALL, now(20));
        assertThat(s.publisher.counters.pliOut).as("not again within a second").isEqualTo(before + 1);
        s.forwarder.allocate(1, ALL, now(10) + 1001);
        assertThat(s.publisher.counters.pliOut).as("again after a second without one").isEqualTo(before + 2);
        s.forwarder.allocate(0, ALL, now(10) + 3000);
        assertThat(s.publisher.counters.pliOut).as("none to go down").isEqualTo(before + 2);
    }

    /**
     * The allocation sees the SVC stream's spatial layers as the track's layers: a 320×180 tile asks for SID 0 and a
     * 0×0 one (the best) for SID 2, with cumulative rates measured on ingress; stats and the spatial layer forwarded
     * follow after the next keyframe.
     */
    @Test
    void subscriberAllocatesSpatialLayersBySize() {
        Setup s = new Setup();
        s.forwarder.target(320, 180);
        int seq = 100;
        for (int pid = 10; pid < 80; pid++) { // about 2.3 s of pictures, a keyframe every 30
            for (Step step : picture(seq, pid, pid, 0, pid % 30 == 10)) {
                step.accept(s.forwarder, pid);
            }
            seq += 3;
            if (pid == 40) {
                s.subscriber.allocate(now(pid));
            }
        }
        s.subscriber.allocate(now(80));
        Layer layer = s.receiver.layers[0];
        assertThat(layer.keyframes.spatialLayers()).isEqualTo(3);
        assertThat(layer.spatialBitrate[0][ALL]).isPositive().isLessThan(layer.spatialBitrate[1][ALL]);
        assertThat(layer.spatialBitrate[2][ALL]).isEqualTo(layer.bitrate);
        assertThat(s.forwarder.allocation.wanted).isZero();
        assertThat(s.forwarder.allocation.rates[1]).isEqualTo(layer.spatialBitrate[1][ALL]);
        assertThat(s.forwarder.spatialLayer()).isZero();
        assertThat(s.forwarder.spatialDropped).isPositive();
        s.forwarder.target(0, 0);
        s.subscriber.allocate(now(80));
        assertThat(s.forwarder.allocation.wanted).isEqualTo(2);
        for (Step step : picture(seq, 80, 80, 0, true)) {
            step.accept(s.forwarder, 81);
        }
        assertThat(s.forwarder.spatialLayer()).isEqualTo(2);
    }

    /** A VP9 SVC track with one subscriber, whose sink records what it gets. */
    static final class Setup {
        final Publisher publisher;
        final Receiver receiver;
        final Sink sink = new Sink();
        final Subscriber subscriber = new Subscriber(sink);
        final Forwarder forwarder;

        Setup() {
            TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP9", 90000, 98, 99, List.of(), List.of(0x1000L),
                    List.of(0L), 0, 0, 0, 0, 0);
            publisher = new Publisher(new Sink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
            receiver = publisher.receivers().get(0);
            forwarder = new Forwarder(receiver, subscriber, ForwarderRewriteTest.SSRC, ForwarderRewriteTest.PT,
                    ForwarderRewriteTest.RTX_SSRC, ForwarderRewriteTest.RTX_PT, "c");
            subscriber.addForwarder(forwarder);
        }
    }

    static final class Sink extends RtpSink {
        final List<Out> received = new ArrayList<>();
        private final RtpPacket packet = new RtpPacket();
        private final Vp9PayloadDescriptor vp9 = new Vp9PayloadDescriptor();

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            byte[] copy = Arrays.copyOfRange(buf, off, off + len);
            assertThat(packet.wrap(copy, 0, len)).isTrue();
            boolean rtx = packet.ssrc() == ForwarderRewriteTest.RTX_SSRC;
            int seq = packet.sequenceNumber();
            int payload = packet.payloadOffset();
            if (rtx) {
                seq = (copy[payload] & 0xFF) << 8 | copy[payload + 1] & 0xFF;
                payload += 2;
            }
            assertThat(vp9.wrap(copy, payload, packet.length() - payload)).isTrue();
            received.add(new Out(seq, vp9.pictureId(), vp9.spatialId(), vp9.temporalId(), packet.marker(), rtx));
            return true;
        }
    }
}
