package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.TestServer;
import static io.atrium.server.testing.Waits.sleep;
import static io.atrium.server.testing.Waits.waitUntil;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.TestServer.Response;
import io.atrium.webrtc.rtcp.GenericNack;
import io.atrium.webrtc.rtcp.RtcpCompound;
import io.atrium.webrtc.rtcp.RtcpHeader;
import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.sdp.MediaDescription;
import io.atrium.webrtc.sdp.SsrcGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Java clients on the {@code webrtc/} library publish RTP through the SFU to another Java client over
 * 127.0.0.1: payloads arrive intact under the subscriber's own SSRC and sequence numbers; NACKs are
 * answered in both directions; keyframes are requested for a new subscriber.
 */
class SfuForwardingTest {

    TestServer server;
    String room;
    JavaPeer publisher;
    JavaPeer subscriber;

    @BeforeEach
    void start() {
        server = TestServer.start(Db.H2);
        room = server.createRoom("forwarding");
        publisher = new JavaPeer();
        publisher.connect(negotiate("whip", publisher.offer(true)));
        subscriber = new JavaPeer();
        subscriber.connect(negotiate("whep", subscriber.offer(false)));
        waitUntil(() -> server.get("/v1/rooms/" + room + "/media").json().at("/media/subscribers/0/streams").size() == 2,
                "the subscriber's two streams");
    }

    @AfterEach
    void stop() {
        publisher.close();
        subscriber.close();
        server.close();
    }

    String negotiate(String kind, String offer) {
        Response r = server.send("POST", "/" + kind + "/" + room, offer, "application/sdp", "Bearer " + server.token(room, ""));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.raw().headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/" + kind + "/" + room + "/"));
        return r.body();
    }

    static byte[] vp8Keyframe(Random random, int size) {
        byte[] payload = new byte[size];
        random.nextBytes(payload);
        payload[0] = 0x10; // X=0, S=1, PID=0
        payload[1] = 0x00; // frame tag: P=0, a keyframe
        return payload;
    }

    int answerSsrc(int mline) {
        MediaDescription m = subscriber.answer().media().get(mline);
        List<Long> fid = m.ssrcGroups().stream().filter(g -> g.semantics().equals(SsrcGroup.FID)).findFirst()
                .map(SsrcGroup::ssrcs).orElse(List.of());
        return (int) (fid.isEmpty() ? m.ssrcs().get(0).ssrc() : fid.get(0).longValue());
    }

    int answerRtxSsrc() {
        return subscriber.answer().media().get(1).ssrcGroups().stream().filter(g -> g.semantics().equals(SsrcGroup.FID))
                .findFirst().orElseThrow().ssrcs().get(1).intValue();
    }

    @Test
    void everyPayloadArrivesIntactUnderTheSubscribersSsrcAndSequence() {
        Random random = new Random(7);
        List<byte[]> audio = new ArrayList<>();
        List<byte[]> video = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] a = new byte[80 + random.nextInt(80)];
            random.nextBytes(a);
            audio.add(a);
            video.add(vp8Keyframe(random, 200 + random.nextInt(900)));
            assertThat(publisher.send(JavaPeer.OPUS_PT, 1000 + i, 960 * i, JavaPeer.AUDIO_SSRC, a)).isTrue();
            assertThat(publisher.send(JavaPeer.VP8_PT, 50_000 + i, 3000 * i, JavaPeer.VIDEO_SSRC, video.get(i))).isTrue();
            if (i % 10 == 0) {
                sleep(5);
            }
        }
        waitUntil(() -> subscriber.rtp.size() >= 200, "200 forwarded packets");
        assertThat(subscriber.rtp).hasSize(200);
        assertStream(answerSsrc(0), audio, 111);
        assertStream(answerSsrc(1), video, 96);
        assertThat(publisher.rtcp).as("a PLI asked the publisher for a keyframe when the subscriber joined")
                .anySatisfy(p -> assertThat(hasFeedback(p, RtcpHeader.PSFB, RtcpHeader.FMT_PLI)).isTrue());
    }

    private void assertStream(int ssrc, List<byte[]> sent, int payloadType) {
        RtpPacket p = new RtpPacket();
        List<byte[]> got = subscriber.rtp.stream().filter(b -> p.wrap(b, 0, b.length) && p.ssrc() == ssrc).toList();
        assertThat(got).hasSize(sent.size());
        int firstSeq = -1;
        for (int i = 0; i < got.size(); i++) {
            byte[] b = got.get(i);
            assertThat(p.wrap(b, 0, b.length)).isTrue();
            assertThat(p.payloadType()).isEqualTo(payloadType);
            firstSeq = i == 0 ? p.sequenceNumber() : firstSeq;
            assertThat(p.sequenceNumber()).isEqualTo((firstSeq + i) & 0xFFFF);
            assertThat(Arrays.copyOfRange(b, p.payloadOffset(), p.payloadOffset() + p.payloadLength())).isEqualTo(sent.get(i));
        }
    }

    @Test
    void aSubscribersNackIsAnsweredWithRtxFromTheCache() {
        Random random = new Random(9);
        List<byte[]> video = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            video.add(vp8Keyframe(random, 500));
            publisher.send(JavaPeer.VP8_PT, 7000 + i, 3000 * i, JavaPeer.VIDEO_SSRC, video.get(i));
        }
        waitUntil(() -> subscriber.rtp.size() >= 20, "20 forwarded packets");
        RtpPacket p = new RtpPacket();
        byte[] fifth = subscriber.rtp.get(5);
        p.wrap(fifth, 0, fifth.length);
        int lostSeq = p.sequenceNumber();
        byte[] nack = new byte[64];
        int[] fci = new int[1];
        int entries = GenericNack.toFci(new int[] {lostSeq}, 1, fci);
        int n = io.atrium.webrtc.rtcp.ReceiverReport.write(nack, 0, nack.length, 0x5555, List.of());
        n += GenericNack.write(nack, n, nack.length - n, 0x5555, answerSsrc(1), fci, entries);
        subscriber.rtp.clear();
        assertThat(subscriber.sendRtcp(nack, n)).isTrue();
        waitUntil(() -> !subscriber.rtp.isEmpty(), "the retransmission");
        byte[] rtx = subscriber.rtp.get(0);
        assertThat(p.wrap(rtx, 0, rtx.length)).isTrue();
        assertThat(p.ssrc()).isEqualTo(answerRtxSsrc());
        assertThat(p.payloadType()).isEqualTo(JavaPeer.RTX_PT);
        int osn = (rtx[p.payloadOffset()] & 0xff) << 8 | rtx[p.payloadOffset() + 1] & 0xff;
        assertThat(osn).isEqualTo(lostSeq);
        assertThat(Arrays.copyOfRange(rtx, p.payloadOffset() + 2, p.payloadOffset() + p.payloadLength())).isEqualTo(video.get(5));
        var stats = server.get("/v1/rooms/" + room + "/media").json();
        assertThat(stats.at("/media/subscribers/0/streams").findValues("retransmitted").stream().mapToLong(v -> v.asLong()).sum())
                .isEqualTo(1);
    }

    @Test
    void aGapFromThePublisherIsNackedAndTheRetransmissionForwarded() {
        Random random = new Random(11);
        for (int i = 0; i < 10; i++) {
            if (i != 5) {
                publisher.send(JavaPeer.VP8_PT, 100 + i, 3000 * i, JavaPeer.VIDEO_SSRC, vp8Keyframe(random, 300));
            }
        }
        waitUntil(() -> publisher.rtcp.stream().anyMatch(b -> nacked(b).contains(105)), "a NACK for sequence 105");
        int before = subscriber.rtp.size();
        byte[] repaired = vp8Keyframe(random, 300);
        byte[] rtxPayload = new byte[repaired.length + 2];
        rtxPayload[0] = 0;
        rtxPayload[1] = 105;
        System.arraycopy(repaired, 0, rtxPayload, 2, repaired.length);
        publisher.send(JavaPeer.RTX_PT, 1, 3000 * 5, JavaPeer.VIDEO_RTX_SSRC, rtxPayload);
        waitUntil(() -> subscriber.rtp.size() > before, "the repaired packet forwarded");
        byte[] last = subscriber.rtp.get(subscriber.rtp.size() - 1);
        RtpPacket p = new RtpPacket();
        p.wrap(last, 0, last.length);
        assertThat(p.ssrc()).isEqualTo(answerSsrc(1));
        assertThat(Arrays.copyOfRange(last, p.payloadOffset(), p.payloadOffset() + p.payloadLength())).isEqualTo(repaired);
    }

    /**
     * A subscriber that offers the transport-cc header extension gets it in the answer, and every packet
     * Atrium sends it, audio and video, carries the next transport-wide sequence number (and nothing else);
     * its transport-cc feedback reaches the estimator, which /media shows.
     */
    @Test
    void aSubscriberOfferingTransportCcGetsTransportWideSequenceNumbersAndItsFeedbackIsRead() {
        String ext = "a=extmap:5 " + io.atrium.webrtc.sdp.LocalCapabilities.EXT_TRANSPORT_CC + "\r\n";
        JavaPeer twcc = new JavaPeer();
        try {
            twcc.connect(negotiate("whep", twcc.offer(false).replace("a=mid:0\r\n", "a=mid:0\r\n" + ext)
                    .replace("a=mid:1\r\n", "a=mid:1\r\n" + ext)));
            assertThat(twcc.answer().media()).allSatisfy(m ->
                    assertThat(m.extmapId(io.atrium.webrtc.sdp.LocalCapabilities.EXT_TRANSPORT_CC)).hasValue(5));
            waitUntil(() -> server.get("/v1/rooms/" + room + "/media").json().at("/media/subscribers").findValues("streams").stream()
                    .filter(s -> s.size() == 2).count() == 2, "both subscribers' streams");
            Random random = new Random(5);
            for (int i = 0; i < 40; i++) {
                publisher.send(JavaPeer.OPUS_PT, 3000 + i, 960 * i, JavaPeer.AUDIO_SSRC, new byte[100]);
                publisher.send(JavaPeer.VP8_PT, 7000 + i, 3000 * i, JavaPeer.VIDEO_SSRC, vp8Keyframe(random, 500));
            }
            waitUntil(() -> twcc.rtp.size() >= 80, "80 packets at the transport-cc subscriber");
            RtpPacket p = new RtpPacket();
            io.atrium.webrtc.rtp.RtpHeaderExtensions e = new io.atrium.webrtc.rtp.RtpHeaderExtensions();
            List<Integer> seqs = new ArrayList<>();
            for (byte[] b : twcc.rtp) {
                assertThat(p.wrap(b, 0, b.length) && p.hasExtension() && e.wrap(p) && e.next()).isTrue();
                assertThat(e.id()).isEqualTo(5);
                seqs.add(io.atrium.webrtc.rtp.TransportSequenceExtension.read(e.buffer(), e.dataOffset(), e.dataLength()));
                assertThat(e.next()).as("only the transport-wide sequence number").isFalse();
            }
            assertThat(seqs).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, seqs.size()).boxed().toList());

            var writer = new io.atrium.webrtc.rtcp.TransportCcFeedbackWriter();
            writer.reset(1, 2, 0, 0, 0);
            for (int i = 0; i < seqs.size(); i++) {
                writer.addReceived(i, i * 2000L);
            }
            byte[] feedback = new byte[1500];
            assertThat(twcc.sendRtcp(feedback, writer.write(feedback, 0, feedback.length))).isTrue();
            waitUntil(() -> server.get("/v1/rooms/" + room + "/media").json().at("/media/subscribers").findValues("estimate").stream()
                    .anyMatch(s -> s.at("/feedbacks").asLong() == 1 && s.at("/available_rate").asLong() > 0), "the feedback read");
        } finally {
            twcc.close();
        }
    }

    private static List<Integer> nacked(byte[] rtcp) {
        RtcpCompound c = new RtcpCompound();
        GenericNack nack = new GenericNack();
        List<Integer> out = new ArrayList<>();
        if (c.wrap(rtcp, 0, rtcp.length)) {
            while (c.next()) {
                if (c.packetType() == RtcpHeader.RTPFB && c.count() == RtcpHeader.FMT_NACK
                        && nack.wrap(rtcp, c.packetOffset(), c.packetLength())) {
                    int[] seqs = new int[1024];
                    int n = nack.lostSequenceNumbers(seqs);
                    for (int i = 0; i < n; i++) {
                        out.add(seqs[i]);
                    }
                }
            }
        }
        return out;
    }

    private static boolean hasFeedback(byte[] rtcp, int type, int fmt) {
        RtcpCompound c = new RtcpCompound();
        if (c.wrap(rtcp, 0, rtcp.length)) {
            while (c.next()) {
                if (c.packetType() == type && c.count() == fmt) {
                    return true;
                }
            }
        }
        return false;
    }
}
