package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtp.RtpPacket;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A subscriber's own receive cap ({@code b=TIAS}/{@code b=AS} in its offer, {@link Subscriber#receiveCap}) bounds what
 * is allocated to it as the estimate does: the lower of the two is the budget, and no probe is started when the cap,
 * not the estimate, is what limits. One VP8 camera in Chrome's L1T3 shape (TL0 every 4th frame, TL1 between, TL2
 * the rest) at 30 frames/s, so its ladder is TL0, TL0+1, all.
 */
class ReceiveCapTest {

    Receiver receiver;
    Subscriber subscriber;
    Forwarder forwarder;
    long now = 1_000_000;

    @BeforeEach
    void twoSecondsOfL1T3() {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, 97, List.of(), List.of(0x1000L),
                List.of(0x1001L), 0, 0, 0, 0, 0);
        Publisher publisher = new Publisher(new ProbePaddingTest.Sink(), List.of(video), 1, MediaLimits.defaults().maxPublishBitrate());
        receiver = publisher.receivers().get(0);
        subscriber = new Subscriber(new ProbePaddingTest.Sink());
        subscriber.transportCcId = 3;
        subscriber.micros = () -> now * 1000;
        forwarder = new Forwarder(receiver, subscriber, 0xABCD, 96, 0xBEEF, 97, "c");
        subscriber.addForwarder(forwarder);
        RtpPacket p = new RtpPacket();
        for (int i = 0; i < 66; i++, now += 33) {
            int tid = i % 4 == 0 ? 0 : i % 2 == 0 ? 1 : 2;
            byte[] head = Vp8.temporal(i, i / 4, tid, tid > 0, true, i == 0);
            byte[] buf = new byte[12 + head.length + (tid == 0 ? 1200 : tid == 1 ? 800 : 400)];
            RtpPacket.writeHeader(buf, 0, false, 96, i, i * 3000, 0x1000);
            System.arraycopy(head, 0, buf, 12, head.length);
            assertThat(p.wrap(buf, 0, buf.length)).isTrue();
            receiver.onMedia(receiver.layers[0], p, now, false);
        }
        Layer l = receiver.layers[0];
        assertThat(l.temporalLayers).isEqualTo(3);
        assertThat(l.temporalBitrate[0]).isPositive().isLessThan(l.temporalBitrate[1]);
        assertThat(l.temporalBitrate[1]).isLessThan(l.bitrate);
    }

    long tl0() {
        return receiver.layers[0].temporalBitrate[0];
    }

    long tl01() {
        return receiver.layers[0].temporalBitrate[1];
    }

    long all() {
        return receiver.layers[0].bitrate;
    }

    /** Allocates with {@code cap} (0: none) and an estimate from REMB ({@code -1}: none); the highest TID given, -1 if suspended. */
    int allocate(long cap, long estimate) {
        subscriber.receiveCap = cap;
        if (estimate >= 0) {
            subscriber.bwe.onRemb(estimate, now * 1000);
        }
        subscriber.allocate(now);
        return forwarder.allocation.allowed < 0 ? -1 : forwarder.allocation.allowedTemporal;
    }

    @Test
    void theCapAloneBoundsTheAllocationBeforeAnyEstimate() {
        assertThat(allocate(0, -1)).as("no cap, no estimate").isEqualTo(Allocator.ALL_TEMPORAL);
        assertThat(allocate((tl01() + all()) / 2, -1)).as("cap between TL0+1 and all").isEqualTo(1);
        assertThat(allocate((tl0() + tl01()) / 2, -1)).as("cap between TL0 and TL0+1").isZero();
        assertThat(allocate(tl0() / 2, -1)).as("cap below TL0: suspended").isEqualTo(-1);
        assertThat(forwarder.allocation.suspended).isTrue();
    }

    @Test
    void theLowerOfCapAndEstimateIsTheBudgetAndOnlyAnEstimateBelowTheCapIsProbed() {
        long between = (tl01() + all()) / 2;
        assertThat(allocate(between, 10 * all())).as("estimate far above the cap").isEqualTo(1);
        assertThat(subscriber.bwe.probeGoal()).as("the cap limits: nothing to probe for").isZero();
        assertThat(allocate(10 * all(), (tl0() + tl01()) / 2)).as("estimate below a high cap").isZero();
        assertThat(subscriber.bwe.probeGoal()).as("the estimate limits: probe toward what the track wants")
                .isGreaterThan(all());
    }

    @Test
    void aProbeNeverAimsAboveTheCap() {
        long cap = (tl01() + all()) / 2;
        assertThat(allocate(cap, (tl0() + tl01()) / 2)).isZero();
        assertThat(subscriber.bwe.probeGoal()).isPositive().isLessThanOrEqualTo(cap);
    }
}
