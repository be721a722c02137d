package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.srtp.SrtpContext;
import io.atrium.webrtc.srtp.SrtpProfile;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The forward path — route by SSRC, sequence bookkeeping, cache, keyframe check, VP8 temporal-layer selection,
 * per-subscriber rewrite and SRTP protect — allocates nothing per packet once warm (DESIGN.md, hot-path rules).
 * Measured with HotSpot's per-thread allocation counter, not with time.
 */
class ForwardPathAllocationTest {

    /**
     * A sink that encrypts like a real peer, with each profile Atrium negotiates (AES-CM/HMAC-SHA1 and GCM, both
     * allocation-free: the test JVM opens the JDK's GHASH as the server's jar does), and drops the result.
     */
    static final class EncryptingSink extends RtpSink {
        final SrtpContext cm = new SrtpContext(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80, new byte[16], new byte[14]);
        final SrtpContext gcm = new SrtpContext(SrtpProfile.SRTP_AEAD_AES_128_GCM, new byte[16], new byte[12]);
        long sent;

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            // each leaves the header as it was and writes its tag after the payload: the second protects the first's output
            sent += cm.protectRtp(buf, off, len) > 0 && gcm.protectRtp(buf, off, len) > 0 ? 1 : 0;
            return true;
        }
    }

    /** The TIDs of four frames in a row of Chrome's three temporal layers. */
    static final int[] L1T3 = {0, 2, 1, 2};

    @Test
    void forwardingToThreeSubscribersAllocatesNothingPerPacket() {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, 97, List.of(), List.of(0x1234L), List.of(0L),
                0, 0, 0, 0, 0);
        Publisher publisher = new Publisher(new EncryptingSink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
        Receiver receiver = publisher.receivers().get(0);
        EncryptingSink[] sinks = {new EncryptingSink(), new EncryptingSink(), new EncryptingSink()};
        Subscriber[] subscribers = new Subscriber[sinks.length];
        for (int i = 0; i < sinks.length; i++) {
            Subscriber s = new Subscriber(sinks[i]);
            subscribers[i] = s;
            s.transportCcId = i == 0 ? 0 : 3 + i; // transport-wide sequence numbers stamped and remembered, or not
            s.addForwarder(new Forwarder(receiver, s, 100 + i, 96, 200 + i, 97, "c"));
        }
        // the third subscriber gets TL0 and TL1 only: every TL2 frame is dropped and the numbers closed up
        subscribers[2].forwarders().get(0).allocate(0, 1, 1_000_000);
        byte[] packet = new byte[1200 + 64];
        long[] seq = {0};
        // the second subscriber's transport-cc feedback every 50 packets: all received, 1 ms apart
        var writer = new io.atrium.webrtc.rtcp.TransportCcFeedbackWriter();
        byte[] feedback = new byte[1500];
        Runnable send = () -> {
            int n = (int) seq[0]++;
            RtpPacket.writeHeader(packet, 0, false, 96, n & 0xFFFF, n * 3000, 0x1234);
            // VP8 as Chrome sends it (L1T3, one packet a frame): 15-bit picture id, TL0PICIDX, TID 0 2 1 2, Y on TL1
            int tid = L1T3[n % 4];
            packet[12] = (byte) 0x90;
            packet[13] = (byte) 0xE0;
            packet[14] = (byte) (0x80 | (n >> 8) & 0x7F);
            packet[15] = (byte) n;
            packet[16] = (byte) (n / 4);
            packet[17] = (byte) (tid << 6 | (tid == 1 ? 0x20 : 0));
            packet[18] = (byte) (n % 100 == 0 ? 0x00 : 0x01); // a keyframe every 100 packets
            publisher.onRtp(packet, 0, 1200, 1_000_000 + n);
            if (n % 50 == 49) {
                writer.reset(1, 2, n - 49, (n - 49) * 1000L, n / 50);
                for (int k = n - 49; k <= n; k++) {
                    writer.addReceived(k & 0xFFFF, k * 1000L + 20_000);
                }
                int len = writer.write(feedback, 0, feedback.length);
                subscribers[1].onRtcp(feedback, 0, len, 1_000_000 + n);
            }
        };
        for (int i = 0; i < 60_000; i++) {
            send.run();
        }
        long[] rounds = allocatedPerRound(send, 10_000);
        assertThat(sinks[0].sent).isEqualTo(90_000);
        assertThat(sinks[2].sent).as("TL2 (every other frame) left out").isEqualTo(45_000);
        assertThat(least(rounds)).as("bytes allocated for 10,000 packets to 3 subscribers and 200 feedback messages, rounds %s",
                Arrays.toString(rounds)).isLessThan(1024);
        assertThat(subscribers[1].bwe.feedbacks()).as("feedback read").isEqualTo(1800);
        assertThat(subscribers[1].bwe.ackedBps()).as("rate the feedback acknowledges").isPositive();
    }

    /**
     * The same for one VP9 SVC stream ({@code L3T3_KEY}, one packet per spatial layer frame, a scalability structure on
     * key pictures): a subscriber given every layer and one with a 320×180 tile, given spatial layer 0, both re-allocated
     * every 200 ms (sizes and per-spatial-layer rates read, layers chosen by size).
     */
    @Test
    void forwardingVp9SvcAllocatesNothingPerPacket() {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP9", 90000, 98, 99, List.of(), List.of(0x1234L), List.of(0L),
                0, 0, 0, 0, 0);
        Publisher publisher = new Publisher(new EncryptingSink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
        Receiver receiver = publisher.receivers().get(0);
        EncryptingSink[] sinks = {new EncryptingSink(), new EncryptingSink()};
        Subscriber[] subscribers = new Subscriber[sinks.length];
        for (int i = 0; i < sinks.length; i++) {
            subscribers[i] = new Subscriber(sinks[i]);
            Forwarder f = new Forwarder(receiver, subscribers[i], 100 + i, 98, 200 + i, 99, "c");
            f.target(i == 0 ? 0 : 320, i == 0 ? 0 : 180);
            subscribers[i].addForwarder(f);
        }
        byte[] packet = new byte[1000 + 64];
        long[] seq = {0};
        // the scalability structure: three spatial layers, 320x180, 640x360, 1280x720
        byte[] ss = {0x50, 0x01, 0x40, 0x00, (byte) 0xb4, 0x02, (byte) 0x80, 0x01, 0x68, 0x05, 0x00, 0x02, (byte) 0xd0};
        Runnable send = () -> {
            int n = (int) seq[0]++;
            int picture = n / 3;
            int sid = n % 3;
            int tid = L1T3[picture % 4];
            boolean key = picture % 60 == 0;
            long now = 1_000_000 + picture * 33L;
            RtpPacket.writeHeader(packet, 0, sid == 2, 98, n & 0xFFFF, picture * 3000, 0x1234);
            packet[12] = (byte) (0x80 | (key ? 0 : 0x40) | 0x20 | 0x0C | (key && sid == 0 ? 0x02 : 0));
            packet[13] = (byte) (0x80 | picture >> 8 & 0x7F);
            packet[14] = (byte) picture;
            packet[15] = (byte) (tid << 5 | (tid > 0 ? 0x10 : 0) | sid << 1 | (key && sid > 0 ? 1 : 0));
            packet[16] = (byte) (picture / 4);
            System.arraycopy(ss, 0, packet, 17, ss.length); // payload bytes unless V is set
            publisher.onRtp(packet, 0, 1000, now);
            if (n % 18 == 0) { // every 6 pictures, about 200 ms
                for (Subscriber s : subscribers) {
                    s.allocate(now);
                }
            }
        };
        assertSpatialLayerZeroToTheSmallTileAllocatingNothing(send, sinks, subscribers);
    }

    /**
     * AV1 SVC ({@code L3T3_KEY} shaped, the dependency descriptor on every packet, its structure on key frames): one
     * subscriber gets every layer with the descriptor as it came, one with a 320×180 tile spatial layer 0 with the
     * active decode targets rewritten; neither the descriptor reads nor the rewrites allocate.
     */
    @Test
    void forwardingAv1SvcAllocatesNothingPerPacket() {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "AV1", 90000, 45, 46, List.of(), List.of(0x1000L), List.of(0L),
                0, 0, 0, 0, 0, -1, Av1SvcForwardingTest.PUBLISHER_DD);
        Publisher publisher = new Publisher(new EncryptingSink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
        Receiver receiver = publisher.receivers().get(0);
        EncryptingSink[] sinks = {new EncryptingSink(), new EncryptingSink()};
        Subscriber[] subscribers = new Subscriber[sinks.length];
        for (int i = 0; i < sinks.length; i++) {
            subscribers[i] = new Subscriber(sinks[i]);
            Forwarder f = new Forwarder(receiver, subscribers[i], 100 + i, 45, 200 + i, 46, -1, "c", Av1SvcForwardingTest.SUBSCRIBER_DD);
            f.target(i == 0 ? 0 : 320, i == 0 ? 0 : 180);
            subscribers[i].addForwarder(f);
        }
        byte[][] cycle = new byte[3 * 60][]; // 60 temporal units, the first a key one, T0 T2 T1 T2
        for (int n = 0; n < cycle.length; n++) {
            int unit = n / 3;
            cycle[n] = Av1SvcForwardingTest.rtp(0, unit, L1T3[unit % 4], n % 3, unit == 0, n % 3 == 2);
        }
        byte[] packet = new byte[1000];
        long[] seq = {0};
        Runnable send = () -> {
            int n = (int) seq[0]++;
            byte[] p = cycle[n % cycle.length];
            System.arraycopy(p, 0, packet, 0, p.length);
            long now = 1_000_000 + n / 3 * 33L;
            io.atrium.webrtc.util.Bytes.put16(packet, 2, n & 0xFFFF);
            io.atrium.webrtc.util.Bytes.put32(packet, 4, n / 3 * 3000);
            publisher.onRtp(packet, 0, 1000, now);
            if (n % 18 == 0) { // every 6 pictures, about 200 ms
                for (Subscriber s : subscribers) {
                    s.allocate(now);
                }
            }
        };
        assertSpatialLayerZeroToTheSmallTileAllocatingNothing(send, sinks, subscribers);
    }

    /**
     * The estimator's rule for silent transport-cc feedback ({@code BandwidthEstimator.checkSilence}) and the
     * re-allocation after a step that lowered the estimate allocate nothing: over and over, 20 packets are sent and
     * reported, one more is sent, and the 20 ms checks run until the silence lowers the estimate.
     */
    @Test
    void aSilenceStepAndItsReallocationAllocateNothing() {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, 97, List.of(), List.of(0x1234L), List.of(0L),
                0, 0, 0, 0, 0);
        Publisher publisher = new Publisher(new EncryptingSink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
        EncryptingSink sink = new EncryptingSink();
        Subscriber s = new Subscriber(sink);
        s.transportCcId = 3;
        s.addForwarder(new Forwarder(publisher.receivers().get(0), s, 100, 96, 200, 97, "c"));
        long[] micros = {1_000_000};
        s.micros = () -> micros[0];
        byte[] packet = new byte[1200 + 64];
        RtpPacket.writeHeader(packet, 0, false, 96, 0, 0, 100);
        var writer = new io.atrium.webrtc.rtcp.TransportCcFeedbackWriter();
        byte[] feedback = new byte[1500];
        long[] steps = {0};
        Runnable episode = () -> {
            int seq = s.history.nextSequence();
            writer.reset(1, 2, seq, micros[0], (int) steps[0] & 0xFF);
            for (int i = 0; i < 20; i++) { // enough received that the estimate may grow off the floor after the feedback
                writer.addReceived(s.history.nextSequence(), micros[0] + 10_000 + i * 1000);
                s.send(packet, 1200, 20);
            }
            int len = writer.write(feedback, 0, feedback.length);
            micros[0] += 20_000;
            s.onRtcp(feedback, 0, len, micros[0] / 1000);
            s.send(packet, 200, 20); // never reported
            long before = s.bwe.estimate();
            for (int i = 0; i < 100 && s.bwe.estimate() == before; i++) {
                micros[0] += 20_000;
                s.checkSilence(micros[0] / 1000);
            }
            steps[0] += s.bwe.estimate() < before ? 1 : 0;
        };
        for (int i = 0; i < 20_000; i++) {
            episode.run();
        }
        long[] rounds = allocatedPerRound(episode, 2_000);
        assertThat(steps[0]).as("every episode ended with a step that lowered the estimate").isEqualTo(20_000 + 3 * 2_000);
        assertThat(least(rounds)).as("bytes allocated for 2,000 silence steps and re-allocations, rounds %s",
                Arrays.toString(rounds)).isLessThan(1024);
    }

    /**
     * Warms up with 60,000 packets of three spatial layers (one per layer and picture), then holds that over 9,000 more
     * the full subscriber got all and the small tile (320×180) spatial layer 0 alone, with (almost) nothing allocated.
     */
    private static void assertSpatialLayerZeroToTheSmallTileAllocatingNothing(Runnable send, EncryptingSink[] sinks,
                                                                           Subscriber[] subscribers) {
        for (int i = 0; i < 60_000; i++) {
            send.run();
        }
        long[] sentBefore = {sinks[0].sent, sinks[1].sent};
        long[] rounds = allocatedPerRound(send, 9_000);
        assertThat(sinks[0].sent - sentBefore[0]).as("every layer").isEqualTo(3 * 9_000);
        assertThat(sinks[1].sent - sentBefore[1]).as("spatial layer 0 (320x180) only").isEqualTo(3 * 3_000);
        assertThat(subscribers[1].forwarders().get(0).spatialLayer()).isZero();
        assertThat(least(rounds)).as("bytes allocated for 9,000 SVC packets to 2 subscribers and 250 allocations, rounds %s",
                Arrays.toString(rounds)).isLessThan(1024);
    }

    /**
     * Bytes this thread allocated in each of three rounds of {@code packets} calls of {@code send}. The tests hold the
     * least of them: an allocation per packet costs thousands of bytes in every round, while a deoptimisation mid-round
     * (the interpreter allocating what compiled code kept in registers) costs one round about 2 KiB (seen once in nine
     * runs).
     */
    static long[] allocatedPerRound(Runnable send, int packets) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] rounds = new long[3];
        for (int r = 0; r < rounds.length; r++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < packets; i++) {
                send.run();
            }
            rounds[r] = threads.getCurrentThreadAllocatedBytes() - before;
        }
        return rounds;
    }

    static long least(long[] rounds) {
        return Arrays.stream(rounds).min().orElseThrow();
    }
}
