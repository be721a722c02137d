package io.atrium.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.dtls.DtlsCertificate;
import io.atrium.webrtc.peer.ClientPeer;
import io.atrium.webrtc.peer.MediaListener;
import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.rtp.Vp8PayloadDescriptor;
import io.atrium.webrtc.sdp.SessionDescription;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The load generator's own logic: stamping, integrity, window counting, latency quantiles, VP8, SDP. */
class LoadGeneratorTest {

    static final Window ALWAYS = new Window(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);

    @Test
    void stampRoundTripsAndSurvivesARewriteOfTheBytesBeforeTheBody() {
        byte[] buf = new byte[300];
        buf[0] = 0x11;
        int end = new Stamp().write(buf, 10, 200, 12, 77, 123_456L, 987_654_321_000L);
        assertThat(end).isEqualTo(10 + 200 + Stamp.LENGTH);
        buf[0] = 0x55; // e.g. an SFU rewriting a VP8 picture id in front of the body
        Stamp reader = new Stamp();
        assertThat(reader.read(buf, 0, end)).isEqualTo(Stamp.Result.OK);
        assertThat(reader.streamId()).isEqualTo(77);
        assertThat(reader.sequence()).isEqualTo(123_456L);
        assertThat(reader.sendNanos()).isEqualTo(987_654_321_000L);
    }

    @Test
    void anyFlippedBodyOrTrailerBitIsCorruptOrUnstamped() {
        byte[] buf = new byte[300];
        int end = new Stamp().write(buf, 0, 100, 0, 1, 2, 3);
        for (int i = 0; i < end; i++) {
            byte[] copy = Arrays.copyOf(buf, end);
            copy[i] ^= 0x04;
            Stamp.Result r = new Stamp().read(copy, 0, end);
            // stream id, sequence and time are not under the CRC; everything else is checked
            boolean unchecked = i >= 100 + 6 && i < 100 + 20;
            if (!unchecked) {
                assertThat(r).as("byte %d", i).isNotEqualTo(Stamp.Result.OK);
            }
        }
        assertThat(new Stamp().read(buf, 0, 10)).isEqualTo(Stamp.Result.NO_STAMP);
    }

    @Test
    void latencyQuantilesAreBucketUpperEdges() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.quantileNanos(0.5)).isEqualTo(-1);
        for (int i = 1; i <= 100; i++) {
            h.record(i * 100_000L); // 0.1 .. 10 ms
        }
        assertThat(h.quantileNanos(0.5)).isEqualTo(5_010_000L);
        assertThat(h.quantileNanos(0.99)).isEqualTo(9_910_000L);
        h.record(50_000_000L);
        h.record(5_000_000_000L);
        assertThat(h.count()).isEqualTo(102);
        assertThat(h.quantileNanos(1.0)).isEqualTo(5_000_000_000L);
        LatencyHistogram merged = new LatencyHistogram();
        merged.add(h);
        assertThat(merged.quantileNanos(0.5)).isEqualTo(h.quantileNanos(0.5));
    }

    @Test
    void receiveStatsCountsInWindowPacketsOnceAndRejectsCorruptOnes() {
        Window window = new Window(1000, 2000);
        RtpStream stream = new RtpStream(5, 111, StreamIds.audio(1), 0, 0, 0, null);
        ReceiveStats stats = new ReceiveStats(StreamIds.count(2));
        stats.window(window);
        List<byte[]> packets = new ArrayList<>();
        for (long t : new long[] {900, 1000, 1500, 1999, 2000}) {
            byte[] buf = new byte[200];
            int off = stream.begin(buf, false);
            int len = stream.finish(buf, off, off, off + 60, t, window);
            packets.add(Arrays.copyOf(buf, len));
        }
        assertThat(stream.sentInWindow()).isEqualTo(3);
        for (byte[] p : packets) {
            stats.onRtp(p, 0, p.length, 2500);
        }
        stats.onRtp(packets.get(2), 0, packets.get(2).length, 2500); // duplicate
        byte[] bad = packets.get(1).clone();
        bad[20] ^= 1;
        stats.onRtp(bad, 0, bad.length, 2500);
        assertThat(stats.inWindow()).isEqualTo(3);
        assertThat(stats.inWindow(StreamIds.audio(1))).isEqualTo(3);
        assertThat(stats.duplicates()).isEqualTo(1);
        assertThat(stats.corrupt()).isEqualTo(1);
        LatencyHistogram audio = new LatencyHistogram();
        stats.addLatencies(audio, new LatencyHistogram());
        assertThat(audio.count()).isEqualTo(3);
        assertThat(audio.maxNanos()).isEqualTo(1500);
    }

    @Test
    void latencyCountsFromTheHandOverToTheKernelAndTheSendQueueWaitApart() {
        Window window = new Window(1000, 2000);
        RtpStream stream = new RtpStream(5, 111, StreamIds.audio(1), 0, 0, 0, null);
        SendTimes times = new SendTimes(StreamIds.count(2));
        ReceiveStats stats = new ReceiveStats(StreamIds.count(2), times);
        stats.window(window);
        List<byte[]> packets = new ArrayList<>();
        for (long t : new long[] {1100, 1200, 1300}) {
            byte[] buf = new byte[200];
            int off = stream.begin(buf, false);
            packets.add(Arrays.copyOf(buf, stream.finish(buf, off, off, off + 60, t, window)));
        }
        // the first waited 400 ns in the send queue, the second 50; the third's hand-over is not known
        times.sent(Stamp.tag(packets.get(0), packets.get(0).length), 1500);
        times.sent(Stamp.tag(packets.get(1), packets.get(1).length), 1250);
        assertThat(Stamp.tag(packets.get(1), packets.get(1).length)).isEqualTo(SendTimes.tag(StreamIds.audio(1), 1));
        assertThat(Stamp.tag(new byte[30], 30)).as("no trailer").isEqualTo(-1);
        for (byte[] p : packets) {
            stats.onRtp(p, 0, p.length, 1600);
        }
        LatencyHistogram audio = new LatencyHistogram();
        stats.addLatencies(audio, new LatencyHistogram());
        LatencyHistogram waits = new LatencyHistogram();
        stats.addSendWaits(waits);
        assertThat(audio.count()).isEqualTo(3);
        // 1600 - 1500, 1600 - 1250, and from the stamp where the hand-over is unknown: 1600 - 1300
        assertThat(audio.maxNanos()).isEqualTo(350);
        assertThat(waits.count()).isEqualTo(2);
        assertThat(waits.maxNanos()).isEqualTo(400);
    }

    @Test
    void sendTimesForgetASlotOnceANewerSequenceTakesIt() {
        SendTimes times = new SendTimes(2);
        assertThat(times.sentAt(1, 7)).as("never sent").isEqualTo(-1);
        times.sent(SendTimes.tag(1, 7), 1234);
        assertThat(times.sentAt(1, 7)).isEqualTo(1234);
        assertThat(times.sentAt(0, 7)).as("another stream").isEqualTo(-1);
        assertThat(times.sentAt(5, 7)).as("no such stream").isEqualTo(-1);
        times.sent(SendTimes.tag(1, 7 + SendTimes.RING), 5678);
        assertThat(times.sentAt(1, 7)).as("its slot taken by a packet %d later", SendTimes.RING).isEqualTo(-1);
        assertThat(times.sentAt(1, 7 + SendTimes.RING)).isEqualTo(5678);
        times.sent(SendTimes.tag(9, 1), 1); // no such stream: ignored
        times.sent(-1, 1);
    }

    @Test
    void aNewWindowCountsFromZeroAndOnlyItsOwnPackets() {
        Window first = new Window(1000, 2000);
        Window second = new Window(3000, 4000);
        Publisher publisher = new Publisher(0, MediaProfile.audioOnly());
        RtpStream stream = publisher.audio();
        ReceiveStats stats = new ReceiveStats(StreamIds.count(1));
        publisher.window(first);
        stats.window(first);
        List<byte[]> late = new ArrayList<>();
        for (long t : new long[] {1000, 1500, 1500}) {
            byte[] buf = new byte[200];
            int off = stream.begin(buf, false);
            byte[] p = Arrays.copyOf(buf, stream.finish(buf, off, off, off + 60, t, first));
            stats.onRtp(p, 0, p.length, t + 700);
            late.add(p);
        }
        stats.onRtp(late.get(1), 0, late.get(1).length, 2600); // a duplicate in the first window
        assertThat(stream.sentInWindow()).isEqualTo(3);
        assertThat(stats.inWindow()).isEqualTo(3);
        assertThat(stats.duplicates()).isEqualTo(1);

        publisher.window(second);
        stats.window(second);
        assertThat(stream.sentInWindow()).isZero();
        assertThat(publisher.sentInWindow(-1)).isZero();
        assertThat(stats.inWindow()).isZero();
        assertThat(stats.inWindow(StreamIds.audio(0))).isZero();
        assertThat(stats.duplicates()).isZero();
        LatencyHistogram none = new LatencyHistogram();
        stats.addLatencies(none, none);
        assertThat(none.count()).as("the first window's latencies are forgotten").isZero();
        stats.onRtp(late.get(0), 0, late.get(0).length, 3100); // the first window's packet, arriving in the second
        byte[] buf = new byte[200];
        int off = stream.begin(buf, false);
        byte[] p = Arrays.copyOf(buf, stream.finish(buf, off, off, off + 60, 3500, second));
        stats.onRtp(p, 0, p.length, 3800);
        assertThat(stream.sentInWindow()).isEqualTo(1);
        assertThat(stats.inWindow()).isEqualTo(1);
        LatencyHistogram audio = new LatencyHistogram();
        stats.addLatencies(audio, new LatencyHistogram());
        assertThat(audio.count()).isEqualTo(1);
        assertThat(audio.maxNanos()).isEqualTo(300);
    }

    @Test
    void aClearedHistogramIsEmpty() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(1_000_000L);
        h.record(5_000_000L);
        h.clear();
        assertThat(h.count()).isZero();
        assertThat(h.maxNanos()).isZero();
        assertThat(h.quantileNanos(0.99)).isEqualTo(-1);
        h.record(20_000_000L);
        assertThat(h.quantileNanos(0.5)).as("no bucket below keeps a count").isEqualTo(21_000_000L);
    }

    @Test
    void vp8FramesCarryDescriptorKeyframeFlagMarkerAndStamp() {
        RtpStream stream = new RtpStream(9, 96, StreamIds.video(0, 0), 100, 0, 0, null);
        Vp8Packetizer vp8 = new Vp8Packetizer();
        List<byte[]> out = new ArrayList<>();
        byte[] buf = new byte[1500];
        int n = vp8.frame(stream, true, 5000, 1100, 3000, buf, 1, ALWAYS, (b, len) -> out.add(Arrays.copyOf(b, len)));
        assertThat(n).isEqualTo(5).isEqualTo(out.size());
        RtpPacket rtp = new RtpPacket();
        Vp8PayloadDescriptor d = new Vp8PayloadDescriptor();
        for (int i = 0; i < n; i++) {
            byte[] p = out.get(i);
            assertThat(rtp.wrap(p, 0, p.length)).isTrue();
            assertThat(rtp.marker()).isEqualTo(i == n - 1);
            assertThat(rtp.sequenceNumber()).isEqualTo(100 + i);
            assertThat(rtp.payloadLength()).isLessThanOrEqualTo(1100);
            assertThat(d.wrap(p, rtp.payloadOffset(), rtp.payloadLength())).isTrue();
            assertThat(d.isKeyframe()).isEqualTo(i == 0);
            assertThat(new Stamp().read(p, rtp.payloadOffset(), rtp.payloadLength())).isEqualTo(Stamp.Result.OK);
        }
        out.clear();
        vp8.frame(stream, false, 500, 1100, 3000, buf, 2, ALWAYS, (b, len) -> out.add(Arrays.copyOf(b, len)));
        byte[] p = out.get(0);
        rtp.wrap(p, 0, p.length);
        assertThat(d.wrap(p, rtp.payloadOffset(), rtp.payloadLength())).isTrue();
        assertThat(d.isKeyframe()).isFalse();
        assertThat(rtp.timestamp()).isEqualTo(3000);
    }

    @Test
    void profileMeetsItsBitrateOverAKeyframeInterval() {
        MediaProfile p = MediaProfile.audioVideo(500);
        double frames = p.fps() * p.keyframeIntervalMs() / 1000.0;
        double bits = (p.deltaFrameBytes() * (frames - 1) + p.deltaFrameBytes() * p.keyframeFactor()) * 8;
        assertThat(bits / (p.keyframeIntervalMs() / 1000.0)).isBetween(495_000.0, 500_000.0);
    }

    @Test
    void clientAnswerToAJanusStyleOfferIsFullIceActiveRecvonlyWithOurCandidate() {
        try (ClientPeer peer = ClientPeer.open(DtlsCertificate.generate(), new MediaListener() {
            @Override
            public void onRtp(byte[] buf, int off, int len) {
            }

            @Override
            public void onRtcp(byte[] buf, int off, int len) {
            }
        })) {
            String offer = String.join("\r\n",
                    "v=0", "o=- 1700000000000000 1 IN IP4 127.0.0.1", "s=VideoRoom 4242", "t=0 0",
                    "a=group:BUNDLE 0 1", "a=ice-options:trickle", "a=fingerprint:sha-256 "
                            + "D2:B9:31:8F:DF:24:D8:0E:ED:D2:EF:25:9E:AF:6F:B8:34:AE:53:9C:E6:F3:8F:F2:64:15:FA:E8:7F:53:2D:38",
                    "a=extmap-allow-mixed", "a=msid-semantic: WMS *",
                    "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 127.0.0.1", "a=sendonly", "a=mid:0", "a=rtcp-mux",
                    "a=ice-ufrag:Abcd", "a=ice-pwd:0123456789abcdefghijkl", "a=ice-options:trickle",
                    "a=setup:actpass", "a=rtpmap:111 opus/48000/2", "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid",
                    "a=msid:janus janusa0", "a=ssrc:11 cname:janus",
                    "a=candidate:1 1 udp 2015363327 127.0.0.1 40001 typ host", "a=end-of-candidates",
                    "m=video 9 UDP/TLS/RTP/SAVPF 96 97", "c=IN IP4 127.0.0.1", "a=sendonly", "a=mid:1", "a=rtcp-mux",
                    "a=ice-ufrag:Abcd", "a=ice-pwd:0123456789abcdefghijkl", "a=ice-options:trickle",
                    "a=setup:actpass", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack",
                    "a=rtcp-fb:96 nack pli", "a=rtcp-fb:96 goog-remb", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
                    "a=ssrc-group:FID 21 22", "a=ssrc:21 cname:janus", "a=ssrc:22 cname:janus",
                    "a=candidate:1 1 udp 2015363327 127.0.0.1 40001 typ host", "a=end-of-candidates", "");
            String answer = Sdp.clientAnswer(offer, peer);
            SessionDescription sdp = SessionDescription.parse(answer);
            assertThat(sdp.iceLite()).isFalse();
            assertThat(answer).contains("a=setup:active", "a=recvonly", "a=ice-ufrag:" + peer.localCredentials().ufrag(),
                    "127.0.0.1 " + peer.localAddress().getPort() + " typ host", "VP8/90000", "rtx/90000");
            assertThat(sdp.media()).hasSize(2);
            assertThat(Sdp.remote(offer).candidate().getPort()).isEqualTo(40001);
        }
    }
}
