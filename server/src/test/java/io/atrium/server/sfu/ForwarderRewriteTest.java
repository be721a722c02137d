package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.rtp.Vp8PayloadDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table tests of the {@link Forwarder}'s rewriting: what one subscriber receives (its SSRC and payload type,
 * continuous sequence numbers, timestamps and VP8 picture ids) for a publisher's packets on two simulcast
 * layers, across layer switches, 16-bit sequence, 32-bit timestamp and 15-bit picture id wraps, and NACKs.
 */
class ForwarderRewriteTest {

    static final int SSRC = 0xABCD;
    static final int PT = 100;
    static final int RTX_SSRC = 0xBEEF;
    static final int RTX_PT = 101;

    /**
     * A step: a packet of {@code layer} (seq, ts, VP8 picture id, keyframe) arrives at {@code now}; or the
     * forwarder wants layer {@code switchTo} next; or the subscriber NACKs output sequence {@code nack}.
     */
    record Step(int layer, int seq, long ts, int pid, boolean key, long now, int switchTo, int nack) {
        static Step key(int layer, int seq, long ts, int pid, long now) {
            return new Step(layer, seq, ts, pid, true, now, -1, -1);
        }

        static Step delta(int layer, int seq, long ts, int pid, long now) {
            return new Step(layer, seq, ts, pid, false, now, -1, -1);
        }

        static Step want(int layer) {
            return new Step(-1, 0, 0, 0, false, 0, layer, -1);
        }

        static Step nack(int outSeq) {
            return new Step(-1, 0, 0, 0, false, 0, -1, outSeq);
        }
    }

    /** What the subscriber gets: sequence number, timestamp, picture id, TL0PICIDX (-1: none); RTX packets marked. */
    record Out(int seq, long ts, int pid, int tl0, boolean rtx) {
        static Out media(int seq, long ts, int pid) {
            return new Out(seq, ts, pid, -1, false);
        }

        static Out rtx(int seq, long ts, int pid) {
            return new Out(seq, ts, pid, -1, true);
        }

        @Override
        public String toString() {
            return (rtx ? "rtx(" : "(") + seq + ", " + ts + ", pid " + pid + (tl0 >= 0 ? ", tl0 " + tl0 : "") + ")";
        }
    }

    record Case(String name, List<Step> steps, List<Out> want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("the first keyframe starts the stream unchanged",
                        List.of(Step.key(0, 100, 9000, 7, 0), Step.delta(0, 101, 12000, 8, 33)),
                        List.of(Out.media(100, 9000, 7), Out.media(101, 12000, 8))),
                new Case("deltas before the first keyframe are not sent",
                        List.of(Step.delta(0, 99, 6000, 6, 0), Step.key(0, 100, 9000, 7, 33)),
                        List.of(Out.media(100, 9000, 7))),
                new Case("sequence numbers wrap at 16 bits",
                        List.of(Step.key(0, 65534, 0, 1, 0), Step.delta(0, 65535, 3000, 2, 33), Step.delta(0, 0, 6000, 3, 66),
                                Step.delta(0, 1, 9000, 4, 100)),
                        List.of(Out.media(65534, 0, 1), Out.media(65535, 3000, 2), Out.media(0, 6000, 3),
                                Out.media(1, 9000, 4))),
                new Case("timestamps wrap at 32 bits",
                        List.of(Step.key(0, 10, 0xFFFF_F000L, 1, 0), Step.delta(0, 11, 0x0000_0BB8L, 2, 33)),
                        List.of(Out.media(10, 0xFFFF_F000L, 1), Out.media(11, 0x0000_0BB8L, 2))),
                new Case("picture ids wrap at 15 bits",
                        List.of(Step.key(0, 10, 0, 32767, 0), Step.delta(0, 11, 3000, 0, 33)),
                        List.of(Out.media(10, 0, 32767), Out.media(11, 3000, 0))),
                new Case("a switch waits for a keyframe of the new layer, then continues every counter",
                        List.of(Step.key(0, 100, 9000, 7, 0), Step.delta(0, 101, 12000, 8, 33), Step.want(1),
                                Step.delta(1, 5000, 777_000, 400, 40), Step.delta(0, 102, 15000, 9, 66),
                                Step.key(1, 5001, 780_000, 401, 100), Step.delta(1, 5002, 783_000, 402, 133),
                                Step.delta(0, 103, 18000, 10, 133)),
                        // after the switch: seq 103, ts = last ts + 34 ms at 90 kHz, pid 10
                        List.of(Out.media(100, 9000, 7), Out.media(101, 12000, 8), Out.media(102, 15000, 9),
                                Out.media(103, 15000 + 34 * 90, 10), Out.media(104, 15000 + 34 * 90 + 3000, 11))),
                new Case("a switch across every wrap",
                        List.of(Step.key(0, 65535, 0xFFFF_FFFFL, 32767, 0), Step.want(1), Step.key(1, 20, 5, 3, 10)),
                        List.of(Out.media(65535, 0xFFFF_FFFFL, 32767), Out.media(0, 10 * 90 - 1, 0))),
                // regression: a stream whose first sequence number was above 32767 never set the last one sent
                new Case("a switch continues a stream that started above sequence 32767",
                        List.of(Step.key(0, 40000, 9000, 7, 0), Step.delta(0, 40001, 12000, 8, 33), Step.want(1),
                                Step.key(1, 5000, 777_000, 400, 66)),
                        List.of(Out.media(40000, 9000, 7), Out.media(40001, 12000, 8), Out.media(40002, 12000 + 33 * 90, 9))),
                new Case("switching back continues from the other layer's counters",
                        List.of(Step.key(0, 100, 9000, 7, 0), Step.want(1), Step.key(1, 5000, 777_000, 400, 10),
                                Step.want(0), Step.key(0, 101, 12000, 8, 20)),
                        List.of(Out.media(100, 9000, 7), Out.media(101, 9000 + 900, 8), Out.media(102, 9000 + 1800, 9))),
                new Case("a NACK is answered as RTX with the subscriber's numbers",
                        List.of(Step.key(0, 100, 9000, 7, 0), Step.delta(0, 101, 12000, 8, 33), Step.nack(100)),
                        List.of(Out.media(100, 9000, 7), Out.media(101, 12000, 8), Out.rtx(100, 9000, 7))),
                new Case("a NACK from before a switch is not answered from the new layer",
                        List.of(Step.key(0, 100, 9000, 7, 0), Step.want(1), Step.key(1, 5000, 777_000, 400, 10),
                                Step.nack(100)),
                        List.of(Out.media(100, 9000, 7), Out.media(101, 9000 + 900, 8))),
                // regression: a retransmission (or a late packet) used to become the "last picture id", so the next
                // switch restarted the picture ids from an older value and the decoder saw repeats
                new Case("a retransmission does not move the picture id continued after a switch",
                        List.of(Step.key(0, 100, 9000, 7, 0), Step.delta(0, 101, 12000, 8, 33), Step.nack(100),
                                Step.want(1), Step.key(1, 5000, 777_000, 400, 66)),
                        List.of(Out.media(100, 9000, 7), Out.media(101, 12000, 8), Out.rtx(100, 9000, 7),
                                Out.media(102, 12000 + 33 * 90, 9))),
                new Case("a late packet does not move the picture id continued after a switch",
                        List.of(Step.key(0, 100, 9000, 7, 0), Step.delta(0, 102, 15000, 9, 33), Step.delta(0, 101, 12000, 8, 40),
                                Step.want(1), Step.key(1, 5000, 777_000, 400, 66)),
                        List.of(Out.media(100, 9000, 7), Out.media(102, 15000, 9), Out.media(101, 12000, 8),
                                Out.media(103, 15000 + 33 * 90, 10))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void table(Case c) {
        Sink sink = run(c, 0);
        assertThat(sink.transportSeqs).as("no header extension without transport-cc").isEmpty();
    }

    /**
     * With transport-cc negotiated (id 3: RFC 8285 one-byte form; id 15: two-byte form) the same packets
     * go out, each, retransmissions included, carrying only the next transport-wide sequence number,
     * which the send history remembers.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tableWithTransportWideSequenceNumbers(Case c) {
        for (int id : new int[] {3, 15}) {
            Sink sink = run(c, id);
            assertThat(sink.transportIds).as("extension ids").containsOnly(id);
            assertThat(sink.transportSeqs).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, c.want().size()).boxed().toList());
        }
    }

    /**
     * A subscriber's stream that shows another receiver on the same SSRC (the member it shows came back on a new
     * connection: an ICE restart that Atrium answered with a new peer) goes on where it stopped: the next sequence
     * number, a timestamp on by the time between, the next picture id, whether the old connection's publisher is gone
     * before the subscriber's slot is given the new track (as in the server: the old peer is closed at once) or not. A
     * forwarder started from the new publisher's numbers instead (here 5000, 777000, 400) made the stream jump, and
     * Chromium decoded nothing more of it.
     */
    @ParameterizedTest(name = "old publisher closed first: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void aStreamThatShowsAnotherReceiverGoesOnWhereItStopped(boolean closedFirst) {
        Sink sink = new Sink();
        Subscriber subscriber = new Subscriber(sink);
        Publisher before = oneLayerPublisher();
        subscriber.want(List.of(new Subscription(before.receivers().get(0), SSRC, PT, RTX_SSRC, RTX_PT, "c", 0, 0, 0)));
        subscriber.apply(1_000_000);
        send(before.receivers().get(0), Step.key(0, 100, 9000, 7, 0));
        send(before.receivers().get(0), Step.delta(0, 101, 12000, 8, 33));
        if (closedFirst) {
            before.close();
        }
        Receiver after = oneLayerPublisher().receivers().get(0);
        subscriber.want(List.of(new Subscription(after, SSRC, PT, RTX_SSRC, RTX_PT, "c", 0, 0, 0)));
        subscriber.apply(1_000_050);
        send(after, Step.key(0, 5000, 777_000, 400, 66));
        send(after, Step.delta(0, 5001, 780_000, 401, 99));
        assertThat(sink.received).containsExactly(Out.media(100, 9000, 7), Out.media(101, 12000, 8),
                Out.media(102, 12000 + 33 * 90, 9), Out.media(103, 12000 + 33 * 90 + 3000, 10));
    }

    private static Publisher oneLayerPublisher() {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, 97, List.of(), List.of(0x1000L),
                List.of(0L), 0, 0, 0, 0, 0);
        return new Publisher(new Sink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
    }

    /** The packet of step {@code s} arriving at {@code receiver} (layer 0's SSRC 0x1000, layer 1's 0x2000). */
    private static void send(Receiver receiver, Step s) {
        byte[] payload = s.key() ? Vp8.keyframe(s.pid(), 640, 360) : Vp8.delta(s.pid());
        byte[] buf = new byte[12 + payload.length];
        RtpPacket.writeHeader(buf, 0, false, 96, s.seq(), (int) s.ts(), s.layer() == 0 ? 0x1000 : 0x2000);
        System.arraycopy(payload, 0, buf, 12, payload.length);
        RtpPacket packet = new RtpPacket();
        assertThat(packet.wrap(buf, 0, buf.length)).isTrue();
        receiver.onMedia(receiver.layers[s.layer()], packet, 1_000_000 + s.now(), false);
    }

    private static Sink run(Case c, int transportCcId) {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, 97, List.of("q", "h"),
                List.of(0x1000L, 0x2000L), List.of(0L, 0L), 0, 0, 0, 0, 0);
        Publisher publisher = new Publisher(new Sink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
        Receiver receiver = publisher.receivers().get(0);
        Sink sink = new Sink();
        Subscriber subscriber = new Subscriber(sink);
        subscriber.transportCcId = transportCcId;
        Forwarder forwarder = new Forwarder(receiver, subscriber, SSRC, PT, RTX_SSRC, RTX_PT, "c");
        subscriber.addForwarder(forwarder);
        for (Step s : c.steps()) {
            if (s.switchTo() >= 0) {
                forwarder.pending = s.switchTo();
            } else if (s.nack() >= 0) {
                forwarder.retransmit(new int[] {s.nack()}, 1);
            } else {
                send(receiver, s);
            }
        }
        assertThat(sink.received).containsExactlyElementsOf(c.want());
        for (int i = 0; i < sink.transportSeqs.size(); i++) {
            assertThat(subscriber.history.slot(i)).as("send history of transport seq " + i).isNotNegative();
        }
        return sink;
    }

    /** Keeps what the forwarder sends, read back as the subscriber would (RTX unwrapped). */
    static final class Sink extends RtpSink {
        final List<Out> received = new ArrayList<>();
        final List<Integer> transportSeqs = new ArrayList<>();
        final List<Integer> transportIds = new ArrayList<>();
        private final RtpPacket packet = new RtpPacket();
        private final io.atrium.webrtc.rtp.RtpHeaderExtensions extensions = new io.atrium.webrtc.rtp.RtpHeaderExtensions();
        private final Vp8PayloadDescriptor vp8 = new Vp8PayloadDescriptor();

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            byte[] copy = Arrays.copyOfRange(buf, off, off + len);
            assertThat(packet.wrap(copy, 0, len)).isTrue();
            boolean rtx = packet.ssrc() == RTX_SSRC;
            assertThat(packet.payloadType()).isEqualTo(rtx ? RTX_PT : PT);
            assertThat(packet.ssrc()).isEqualTo(rtx ? RTX_SSRC : SSRC);
            int seq = packet.sequenceNumber();
            if (packet.hasExtension() && extensions.wrap(packet)) {
                while (extensions.next()) {
                    transportIds.add(extensions.id());
                    transportSeqs.add(io.atrium.webrtc.rtp.TransportSequenceExtension.read(extensions.buffer(),
                            extensions.dataOffset(), extensions.dataLength()));
                }
            }
            int payload = packet.payloadOffset();
            if (rtx) {
                seq = (copy[payload] & 0xFF) << 8 | copy[payload + 1] & 0xFF;
                payload += 2;
            }
            assertThat(vp8.wrap(copy, payload, len - payload)).isTrue();
            received.add(new Out(seq, packet.timestamp() & 0xFFFFFFFFL, vp8.pictureId(), vp8.tl0PicIdx(), rtx));
            return true;
        }
    }
}
