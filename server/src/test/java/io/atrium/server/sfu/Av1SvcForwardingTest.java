package io.atrium.server.sfu;

import static io.atrium.server.sfu.SvcForwardingTest.nack;
import static io.atrium.server.sfu.SvcForwardingTest.now;
import static io.atrium.server.sfu.SvcForwardingTest.steps;
import static io.atrium.server.sfu.SvcForwardingTest.target;
import static io.atrium.webrtc.rtp.DependencyDescriptors.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.sfu.SvcForwardingTest.Step;
import io.atrium.webrtc.rtp.DependencyDescriptor;
import io.atrium.webrtc.rtp.DependencyDescriptors;
import io.atrium.webrtc.rtp.RtpHeaderExtensionWriter;
import io.atrium.webrtc.rtp.RtpHeaderExtensions;
import io.atrium.webrtc.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table tests of AV1 SVC forwarding by the dependency descriptor (the {@link Forwarder} with a spatial target, as
 * {@link SvcForwardingTest} for VP9): packets of layers above the target are left out, the spatial target goes down at
 * the next temporal unit and up only at a keyframe, a temporal one up at a switch frame, the marker bit ends each
 * temporal unit on the top spatial layer forwarded, sequence numbers stay gapless, the descriptor goes to the
 * subscriber under its own id with the frame numbers as sent and active_decode_targets_bitmask naming the decode targets
 * forwarded, and NACKs never bring back a layer left out. Packets are shaped as Chrome sends {@code L3T3_KEY}
 * ({@link DependencyDescriptors}): one packet per spatial layer frame, frame number 3u+s in temporal unit u, the
 * structure on the key frame's packet.
 */
class Av1SvcForwardingTest {

    static final int PUBLISHER_DD = 12;
    static final int SUBSCRIBER_DD = 3;
    static final int ALL = SvcForwardingTest.ALL;
    /** Every decode target active (the descriptor as the publisher sent it). */
    static final int EVERY = 0x1FF;

    /** The RTP packet of spatial layer {@code sid}'s frame in temporal unit {@code unit} (temporal layer {@code tid}). */
    static byte[] rtp(int seq, int unit, int tid, int sid, boolean key, boolean marker) {
        return rtp(seq, unit, tid, sid, key, marker, -1);
    }

    /** As above, with active_decode_targets_bitmask {@code active} when it is not -1. */
    static byte[] rtp(int seq, int unit, int tid, int sid, boolean key, boolean marker, int active) {
        int template = template(sid, tid, key);
        byte[] dd = DependencyDescriptors.descriptor(template, 3 * unit + sid, true, true, key && sid == 0, active, null, null,
                null);
        byte[] buf = new byte[400];
        RtpPacket.writeHeader(buf, 0, marker, 45, seq, unit * 3000, 0x1000);
        RtpHeaderExtensionWriter w = new RtpHeaderExtensionWriter();
        assertThat(w.begin(buf, 0, buf.length, true)).isTrue();
        assertThat(w.add(PUBLISHER_DD, dd, 0, dd.length)).isTrue();
        w.add(1, new byte[] {1, 2}, 0, 2); // another extension of the publisher's (transport-cc, say): not forwarded
        int header = w.finish();
        buf[header] = (byte) (0x10 | (key && sid == 0 ? 0x08 : 0)); // AV1 aggregation header: one OBU, N on a key frame
        buf[header + 1] = (byte) (0x30 | sid);
        return Arrays.copyOf(buf, header + 2);
    }

    static Step packet(int seq, int unit, int tid, int sid, boolean key, boolean marker) {
        return packet(seq, unit, tid, sid, key, marker, -1);
    }

    static Step packet(int seq, int unit, int tid, int sid, boolean key, boolean marker, int active) {
        return (f, i) -> {
            byte[] buf = rtp(seq, unit, tid, sid, key, marker, active);
            RtpPacket packet = new RtpPacket();
            assertThat(packet.wrap(buf, 0, buf.length)).isTrue();
            f.receiver.onMedia(f.receiver.layers[0], packet, now(i), false);
        };
    }

    /** A whole temporal unit of three spatial layers from sequence number {@code seq}, marker on S2. */
    static List<Step> unit(int seq, int unit, int tid, boolean key) {
        return List.of(packet(seq, unit, tid, 0, key, false), packet(seq + 1, unit, tid, 1, key, false),
                packet(seq + 2, unit, tid, 2, key, true));
    }

    /** What the subscriber gets: sequence number, frame number, spatial and temporal id, marker, active decode targets. */
    record Out(int seq, int frame, int sid, int tid, boolean marker, int active, boolean rtx) {
        @Override
        public String toString() {
            return (rtx ? "rtx(" : "(") + seq + ", frame " + frame + ", S" + sid + "T" + tid + (marker ? ", M" : "")
                    + (active == EVERY ? "" : ", active " + Integer.toHexString(active)) + ")";
        }
    }

    static Out out(int seq, int frame, int sid, int tid, boolean marker, int active) {
        return new Out(seq, frame, sid, tid, marker, active, false);
    }

    record Case(String name, List<Step> steps, List<Out> want) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Decode targets 3s+t of spatial layers 0..s with temporal layers 0..t. */
    static int mask(int s, int t) {
        int m = 0;
        for (int dt = 0; dt < 9; dt++) {
            if (dt / 3 <= s && dt % 3 <= t) {
                m |= 1 << dt;
            }
        }
        return m;
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no target: every layer forwarded, the descriptor as it came, marker on S2",
                        steps(unit(100, 0, 0, true), unit(103, 1, 2, false)),
                        List.of(out(100, 0, 0, 0, false, EVERY), out(101, 1, 1, 0, false, EVERY), out(102, 2, 2, 0, true, EVERY),
                                out(103, 3, 0, 2, false, EVERY), out(104, 4, 1, 2, false, EVERY), out(105, 5, 2, 2, true, EVERY))),
                new Case("down to S0 mid-unit: from the next unit on, gapless, marker on S0's end, S0's decode targets active",
                        steps(unit(100, 0, 0, true), packet(103, 1, 0, 0, false, false), target(0, ALL),
                                packet(104, 1, 0, 1, false, false), packet(105, 1, 0, 2, false, true),
                                unit(106, 2, 1, false), unit(109, 3, 0, false)),
                        List.of(out(100, 0, 0, 0, false, EVERY), out(101, 1, 1, 0, false, EVERY), out(102, 2, 2, 0, true, EVERY),
                                out(103, 3, 0, 0, false, EVERY), out(104, 4, 1, 0, false, mask(2, 2)),
                                out(105, 5, 2, 0, true, mask(2, 2)),
                                out(106, 6, 0, 1, true, mask(0, 2)), out(107, 9, 0, 0, true, mask(0, 2)))),
                new Case("up from S0 only at the next keyframe, where the structure comes again",
                        steps(unit(100, 0, 0, true), target(0, ALL), unit(103, 1, 0, false), target(2, ALL),
                                unit(106, 2, 0, false), unit(109, 3, 0, true), unit(112, 4, 0, false)),
                        List.of(out(100, 0, 0, 0, false, EVERY), out(101, 1, 1, 0, false, EVERY), out(102, 2, 2, 0, true, EVERY),
                                out(103, 3, 0, 0, true, mask(0, 2)), out(104, 6, 0, 0, true, mask(0, 2)),
                                out(105, 9, 0, 0, false, EVERY), out(106, 10, 1, 0, false, EVERY), out(107, 11, 2, 0, true, EVERY),
                                out(108, 12, 0, 0, false, EVERY), out(109, 13, 1, 0, false, EVERY),
                                out(110, 14, 2, 0, true, EVERY))),
                new Case("S1 with T0 and T1: T2 units dropped whole, marker on S1",
                        steps(unit(100, 0, 0, true), target(1, 1), unit(103, 1, 0, false), unit(106, 2, 2, false),
                                unit(109, 3, 1, false), unit(112, 4, 2, false), unit(115, 5, 0, false)),
                        List.of(out(100, 0, 0, 0, false, EVERY), out(101, 1, 1, 0, false, EVERY), out(102, 2, 2, 0, true, EVERY),
                                out(103, 3, 0, 0, false, mask(1, 1)), out(104, 4, 1, 0, true, mask(1, 1)),
                                out(105, 9, 0, 1, false, mask(1, 1)), out(106, 10, 1, 1, true, mask(1, 1)),
                                out(107, 15, 0, 0, false, mask(1, 1)), out(108, 16, 1, 0, true, mask(1, 1)))),
                new Case("a temporal layer back at its next switch frame (T1), not at a T2 one",
                        steps(unit(100, 0, 0, true), target(0, 0), unit(103, 1, 1, false), target(0, 1),
                                unit(106, 2, 2, false), unit(109, 3, 1, false), unit(112, 4, 0, false)),
                        List.of(out(100, 0, 0, 0, false, EVERY), out(101, 1, 1, 0, false, EVERY), out(102, 2, 2, 0, true, EVERY),
                                out(103, 9, 0, 1, true, mask(0, 1)), out(104, 12, 0, 0, true, mask(0, 1)))),
                new Case("a NACK for a gap a late packet of a layer left out fills upstream is not answered",
                        steps(unit(100, 0, 0, true), target(0, ALL), packet(103, 1, 0, 0, false, false),
                                unit(106, 2, 0, false), nack(104), packet(104, 1, 0, 1, false, false), nack(104), nack(103)),
                        List.of(out(100, 0, 0, 0, false, EVERY), out(101, 1, 1, 0, false, EVERY), out(102, 2, 2, 0, true, EVERY),
                                out(103, 3, 0, 0, true, mask(0, 2)), out(106, 6, 0, 0, true, mask(0, 2)),
                                new Out(103, 3, 0, 0, true, mask(0, 2), true))),
                new Case("the publisher's mask leaves S2 out: told on, and a retransmitted key frame packet (its structure"
                        + " made every target active) does not bring S2 back",
                        steps(unit(100, 0, 0, true), packet(103, 1, 0, 0, false, false, mask(1, 2)),
                                packet(104, 1, 0, 1, false, true), nack(100), packet(105, 2, 0, 0, false, false),
                                packet(106, 2, 0, 1, false, true)),
                        List.of(out(100, 0, 0, 0, false, EVERY), out(101, 1, 1, 0, false, EVERY), out(102, 2, 2, 0, true, EVERY),
                                out(103, 3, 0, 0, false, mask(1, 2)), out(104, 4, 1, 0, true, mask(1, 2)),
                                new Out(100, 0, 0, 0, false, mask(1, 2), true),
                                out(105, 6, 0, 0, false, mask(1, 2)), out(106, 7, 1, 0, true, mask(1, 2)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void table(Case c) {
        Setup s = new Setup(SUBSCRIBER_DD);
        for (int i = 0; i < c.steps().size(); i++) {
            c.steps().get(i).accept(s.forwarder, i);
        }
        assertThat(s.sink.received).containsExactlyElementsOf(c.want());
    }

    /**
     * Without the extension negotiated toward the subscriber it gets no descriptor (and no other extension of the
     * publisher's), the same layers, and the marker on S0.
     */
    @Test
    void aSubscriberWithoutTheExtensionGetsTheLayersWithoutIt() {
        Setup s = new Setup(0);
        steps(unit(100, 0, 0, true), target(0, ALL), unit(103, 1, 0, false)).forEach(step -> step.accept(s.forwarder, 0));
        assertThat(s.sink.markers).containsExactly(false, false, true, true);
        assertThat(s.sink.received).isEmpty();
        assertThat(s.sink.withExtensions).isZero();
        assertThat(s.forwarder.spatialDropped).isEqualTo(2);
    }

    /** Raising the spatial target asks the publisher for a keyframe; lowering it asks for nothing. */
    @Test
    void upSwitchAsksForAKeyframe() {
        Setup s = new Setup(SUBSCRIBER_DD);
        steps(unit(100, 0, 0, true), target(0, ALL), unit(103, 1, 0, false)).forEach(step -> step.accept(s.forwarder, 1));
        assertThat(s.forwarder.spatialLayer()).isZero();
        long before = s.publisher.counters.pliOut;
        s.forwarder.allocate(2, ALL, now(10));
        assertThat(s.publisher.counters.pliOut).isEqualTo(before + 1);
        s.forwarder.allocate(0, ALL, now(10) + 3000);
        assertThat(s.publisher.counters.pliOut).isEqualTo(before + 1);
    }

    /**
     * The allocation sees the AV1 stream's spatial layers (from the structure, with its sizes) as the track's layers:
     * a 320×180 tile asks for S0, a 0×0 one for S2, with cumulative rates measured on ingress.
     */
    @Test
    void subscriberAllocatesSpatialLayersBySize() {
        Setup s = new Setup(SUBSCRIBER_DD);
        s.forwarder.target(320, 180);
        int seq = 100;
        for (int u = 0; u < 70; u++) {
            for (Step step : unit(seq, u, u % 2 == 0 ? 0 : 1, u % 30 == 0)) {
                step.accept(s.forwarder, u);
            }
            seq += 3;
            if (u == 30) {
                s.subscriber.allocate(now(u));
            }
        }
        s.subscriber.allocate(now(70));
        Layer layer = s.receiver.layers[0];
        assertThat(layer.keyframes.spatialLayers()).isEqualTo(3);
        assertThat(layer.keyframes.spatialWidth(0)).isEqualTo(320);
        assertThat(layer.keyframes.spatialHeight(2)).isEqualTo(720);
        assertThat(layer.temporalLayers).isEqualTo(2);
        assertThat(layer.spatialBitrate[0][ALL]).isPositive().isLessThan(layer.spatialBitrate[1][ALL]);
        assertThat(s.forwarder.allocation.wanted).isZero();
        assertThat(s.forwarder.spatialLayer()).isZero();
        assertThat(s.forwarder.spatialDropped).isPositive();
        s.forwarder.target(0, 0);
        s.subscriber.allocate(now(70));
        assertThat(s.forwarder.allocation.wanted).isEqualTo(2);
        for (Step step : unit(seq, 70, 0, true)) {
            step.accept(s.forwarder, 71);
        }
        assertThat(s.forwarder.spatialLayer()).isEqualTo(2);
    }

    /** An AV1 track of one encoding with the descriptor negotiated (id {@value #PUBLISHER_DD}), one subscriber. */
    static final class Setup {
        final Publisher publisher;
        final Receiver receiver;
        final Sink sink = new Sink();
        final Subscriber subscriber = new Subscriber(sink);
        final Forwarder forwarder;

        Setup(int subscriberDd) {
            TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "AV1", 90000, 45, 46, List.of(), List.of(0x1000L),
                    List.of(0L), 0, 0, 0, 0, 0, -1, PUBLISHER_DD);
            publisher = new Publisher(new Sink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
            receiver = publisher.receivers().get(0);
            forwarder = new Forwarder(receiver, subscriber, ForwarderRewriteTest.SSRC, ForwarderRewriteTest.PT,
                    ForwarderRewriteTest.RTX_SSRC, ForwarderRewriteTest.RTX_PT, -1, "c", subscriberDd);
            subscriber.addForwarder(forwarder);
        }
    }

    /** Records what the subscriber gets, reading its descriptors by the structure it was sent last. */
    static final class Sink extends RtpSink {
        final List<Out> received = new ArrayList<>();
        final List<Boolean> markers = new ArrayList<>();
        int withExtensions;
        private final RtpPacket packet = new RtpPacket();
        private final RtpHeaderExtensions extensions = new RtpHeaderExtensions();
        private final DependencyDescriptor dd = new DependencyDescriptor();
        private final DependencyDescriptor.Structure structure = new DependencyDescriptor.Structure();

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            byte[] copy = Arrays.copyOfRange(buf, off, off + len);
            assertThat(packet.wrap(copy, 0, len)).isTrue();
            markers.add(packet.marker());
            boolean rtx = packet.ssrc() == ForwarderRewriteTest.RTX_SSRC;
            int seq = rtx ? (copy[packet.payloadOffset()] & 0xFF) << 8 | copy[packet.payloadOffset() + 1] & 0xFF
                    : packet.sequenceNumber();
            if (packet.hasExtension() && extensions.wrap(packet)) {
                while (extensions.next()) {
                    withExtensions++;
                    assertThat(extensions.id()).as("only the descriptor, under the subscriber's id").isEqualTo(SUBSCRIBER_DD);
                }
                if (extensions.find(SUBSCRIBER_DD)) {
                    assertThat(dd.wrap(extensions.buffer(), extensions.dataOffset(), extensions.dataLength(), structure)).isTrue();
                    if (dd.structureAttached()) {
                        structure.copyFrom(dd.structure());
                    }
                    received.add(new Out(seq, dd.frameNumber(), dd.spatialId(), dd.temporalId(), packet.marker(),
                            dd.activeDecodeTargets(), rtx));
                }
            }
            return true;
        }
    }
}
