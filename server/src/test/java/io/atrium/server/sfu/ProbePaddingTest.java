package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtp.RtpHeaderExtensions;
import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.rtp.TransportSequenceExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * While the estimator probes, {@link Subscriber#pad} tops what was sent up to the probe's rate with
 * padding-only RTX packets that carry transport-wide sequence numbers; without a probe it sends nothing.
 */
class ProbePaddingTest {

    static final int SSRC = 0xABCD;
    static final int RTX_SSRC = 0xBEEF;
    static final int RTX_PT = 97;

    /** Counts media and padding bytes and keeps the padding packets' transport-wide sequence numbers. */
    static final class Sink extends RtpSink {
        long mediaBytes;
        long paddingBytes;
        final List<Integer> paddingSeqs = new ArrayList<>();
        private final RtpPacket p = new RtpPacket();
        private final RtpHeaderExtensions e = new RtpHeaderExtensions();

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            assertThat(p.wrap(buf, off, len)).isTrue();
            if (p.ssrc() == RTX_SSRC) {
                assertThat(p.payloadType()).isEqualTo(RTX_PT);
                assertThat(p.payloadLength()).as("padding only").isZero();
                assertThat(p.hasExtension() && e.wrap(p) && e.next() && e.id() == 3).isTrue();
                paddingSeqs.add(TransportSequenceExtension.read(e.buffer(), e.dataOffset(), e.dataLength()));
                paddingBytes += len;
            } else {
                mediaBytes += len;
            }
            return true;
        }
    }

    @Test
    void aProbePadsUpToItsRateAndNothingElseDoes() {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, RTX_PT, List.of(), List.of(0x1000L),
                List.of(0L), 0, 0, 0, 0, 0);
        Publisher publisher = new Publisher(new Sink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
        Receiver receiver = publisher.receivers().get(0);
        Sink sink = new Sink();
        Subscriber subscriber = new Subscriber(sink);
        subscriber.transportCcId = 3;
        subscriber.addForwarder(new Forwarder(receiver, subscriber, SSRC, 96, RTX_SSRC, RTX_PT, "c"));
        long[] now = {1_000_000};
        subscriber.micros = () -> now[0] * 1000;
        RtpPacket packet = new RtpPacket();
        byte[] key = Vp8.keyframe(1, 640, 360);
        int[] seq = {0};
        Runnable media = () -> { // 1000 B every 20 ms: 400 kbit/s
            byte[] buf = new byte[1000];
            RtpPacket.writeHeader(buf, 0, false, 96, seq[0]++, seq[0] * 1800, 0x1000);
            System.arraycopy(key, 0, buf, 12, key.length);
            packet.wrap(buf, 0, buf.length);
            receiver.onMedia(receiver.layers[0], packet, now[0], false);
        };
        for (int i = 0; i < 50; i++) { // no probe: no padding
            media.run();
            subscriber.pad(now[0]);
            now[0] += 20;
        }
        assertThat(sink.paddingBytes).isZero();
        assertThat(subscriber.bwe.startProbe(2_000_000, false, now[0] * 1000)).isTrue();
        long mediaBefore = sink.mediaBytes;
        for (int i = 0; i < 25; i++) { // half a second of the probe
            media.run();
            subscriber.pad(now[0]);
            now[0] += 20;
        }
        long total = sink.mediaBytes - mediaBefore + sink.paddingBytes;
        assertThat(total * 8 * 2).as("bits per second sent while probing at 2 Mbit/s").isBetween(1_800_000L, 2_200_000L);
        assertThat(sink.paddingSeqs).as("padding numbered after the media, without gaps between padding packets of a tick")
                .isSorted().doesNotHaveDuplicates();
        // a suspended stream (no layer fits) still carries the probe: else its estimate could never grow back
        Forwarder f = subscriber.forwarders().get(0);
        f.allocation.suspended = true;
        f.allocate(-1, Allocator.ALL_TEMPORAL, now[0]);
        assertThat(f.suspended()).isTrue();
        long paddingBefore = sink.paddingBytes;
        for (int i = 0; i < 5; i++) {
            subscriber.pad(now[0]);
            now[0] += 20;
        }
        assertThat(sink.paddingBytes - paddingBefore).as("padding of a suspended stream").isPositive();
    }

    @Test
    void aStreamSuspendedBeforeItsFirstPacketCarriesTheProbeItsResumeNeeds() {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, RTX_PT, List.of(), List.of(0x1000L),
                List.of(0L), 0, 0, 0, 0, 0);
        Publisher publisher = new Publisher(new Sink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
        Sink sink = new Sink();
        Subscriber subscriber = new Subscriber(sink);
        subscriber.transportCcId = 3;
        Forwarder f = new Forwarder(publisher.receivers().get(0), subscriber, SSRC, 96, RTX_SSRC, RTX_PT, "c");
        subscriber.addForwarder(f);
        long[] now = {1_000_000};
        subscriber.micros = () -> now[0] * 1000;
        subscriber.pad(now[0]);
        assertThat(subscriber.bwe.startProbe(2_000_000, false, now[0] * 1000)).isTrue();
        now[0] += 20;
        subscriber.pad(now[0]);
        assertThat(sink.paddingBytes).as("waiting for its first keyframe: about to start, no padding").isZero();
        f.allocation.suspended = true; // the estimate carries not even the cheapest step
        f.allocate(-1, Allocator.ALL_TEMPORAL, now[0]);
        for (int i = 0; i < 5; i++) {
            now[0] += 20;
            subscriber.pad(now[0]);
        }
        assertThat(sink.paddingBytes * 8 * 1000 / 100).as("bit/s of padding of a stream that never sent media, probing at 2 Mbit/s")
                .isBetween(1_600_000L, 2_400_000L);
        assertThat(sink.mediaBytes).isZero();
    }
}
