package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtcp.Remb;
import io.atrium.webrtc.rtcp.TransportCcFeedbackWriter;
import io.atrium.webrtc.rtp.RtpPacket;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A subscriber sent 400 kbit/s of video whose transport-cc feedback stops: the NACK tick's check
 * ({@link Subscriber#checkSilence}) lowers the estimate step by step and re-allocates at each step, so the video is
 * suspended once the estimate no longer carries it (no report tick runs here). A subscriber that only sends REMB keeps
 * its estimate and its video.
 */
class FeedbackSilenceTest {

    static final class Sink extends RtpSink {
        long mediaBytes;

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            mediaBytes += len;
            return true;
        }
    }

    /** A publisher's single VP8 track feeding one subscriber on a fake clock (milliseconds). */
    static final class Setup {
        final Sink sink = new Sink();
        final Subscriber subscriber = new Subscriber(sink);
        final Receiver receiver;
        final long[] now = {1_000_000};
        private final RtpPacket packet = new RtpPacket();
        private final byte[] buf = new byte[1000];
        private int seq;

        Setup(int transportCcId) {
            TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, 97, List.of(), List.of(0x1000L),
                    List.of(0L), 0, 0, 0, 0, 0);
            Publisher publisher = new Publisher(new Sink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
            receiver = publisher.receivers().get(0);
            subscriber.transportCcId = transportCcId;
            subscriber.addForwarder(new Forwarder(receiver, subscriber, 0xABCD, 96, 0xBEEF, 97, "c"));
            subscriber.micros = () -> now[0] * 1000;
        }

        /** 1000 B of media every 20 ms (400 kbit/s), each packet a keyframe, and the NACK tick's check. */
        void tick() {
            RtpPacket.writeHeader(buf, 0, false, 96, seq++, seq * 1800, 0x1000);
            byte[] key = Vp8.keyframe(1, 640, 360);
            System.arraycopy(key, 0, buf, 12, key.length);
            packet.wrap(buf, 0, buf.length);
            receiver.onMedia(receiver.layers[0], packet, now[0], false);
            subscriber.checkSilence(now[0]);
            now[0] += 20;
        }

        Forwarder forwarder() {
            return subscriber.forwarders().get(0);
        }
    }

    @Test
    void whenTheFeedbackStopsTheEstimateStepsDownAndEachStepReallocates() {
        Setup s = new Setup(3);
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter();
        byte[] feedback = new byte[1500];
        int reported = 0;
        for (int i = 0; i < 150; i++) { // 3 s, every packet reported 100 ms later (5 ticks)
            s.tick();
            if (i % 5 == 4) {
                int next = s.subscriber.history.nextSequence();
                writer.reset(1, 2, reported, s.now[0] * 1000, i / 5);
                for (int q = reported; q != next; q = (q + 1) & 0xFFFF) {
                    writer.addReceived(q, s.now[0] * 1000 - (next - q) * 20_000L + 10_000);
                }
                int len = writer.write(feedback, 0, feedback.length);
                s.subscriber.onRtcp(feedback, 0, len, s.now[0]);
                reported = next;
            }
        }
        long estimate = s.subscriber.bwe.estimate();
        assertThat(estimate).as("the estimate with feedback").isGreaterThan(800_000);
        assertThat(s.forwarder().suspended()).isFalse();
        long suspendedAt = -1;
        long start = s.now[0];
        for (int i = 0; i < 150 && suspendedAt < 0; i++) { // no more feedback
            s.tick();
            if (s.forwarder().suspended()) {
                suspendedAt = s.now[0];
            }
        }
        assertThat(suspendedAt - start).as("ms to the suspension: at the second step (600 ms of silence each, RTT 100 ms"
                + " until a receiver report tells), which took the estimate below 400 kbit/s").isBetween(1_200L, 1_260L);
        assertThat(s.subscriber.bwe.estimate()).as("after two halvings (before %d)", estimate)
                .isBetween(estimate / 4 - 1, estimate / 4);
        long sent = s.sink.mediaBytes;
        s.tick();
        assertThat(s.sink.mediaBytes).as("nothing forwarded once suspended").isEqualTo(sent);
    }

    @Test
    void aSubscriberWithRembAloneKeepsItsEstimateAndItsVideo() {
        Setup s = new Setup(0); // no transport-cc
        byte[] buf = new byte[64];
        int n = Remb.write(buf, 0, buf.length, 1, 1_000_000, new int[] {0xABCD}, 1);
        s.subscriber.onRtcp(buf, 0, n, s.now[0]);
        for (int i = 0; i < 300; i++) { // 6 s of media, no feedback, one REMB
            s.tick();
        }
        s.subscriber.allocate(s.now[0]);
        assertThat(s.subscriber.bwe.estimate()).isEqualTo(1_000_000);
        assertThat(s.forwarder().suspended()).isFalse();
        long sent = s.sink.mediaBytes;
        s.tick();
        assertThat(s.sink.mediaBytes).as("still forwarded").isGreaterThan(sent);
    }
}
