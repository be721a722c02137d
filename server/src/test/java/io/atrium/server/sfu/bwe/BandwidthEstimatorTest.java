package io.atrium.server.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtcp.Remb;
import io.atrium.webrtc.rtcp.TransportCcFeedback;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table tests of the send-side estimator on synthetic feedback sequences ({@link LinkSimulation}, a
 * fake clock): a steady path, a ramp, a bottleneck, random loss and a delay spike. The sender either
 * sends at a fixed rate or follows the estimate, as the allocation does by choosing layers.
 */
class BandwidthEstimatorTest {

    static final long SECOND = 1_000_000;

    /** A fixed sending rate, whatever the estimate. */
    static LongUnaryOperator fixed(long bps) {
        return estimate -> bps;
    }

    /** Follows the estimate up to what the application has to send. */
    static LongUnaryOperator following(long appBps) {
        return estimate -> Math.min(estimate, appBps);
    }

    record Case(String name, LongUnaryOperator rate, long linkBps, double loss, long seconds, boolean overuse,
                long minBps, long maxBps) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("steady: 600 kbit/s on a 5 Mbit/s path, no overuse, the estimate stays above what is sent",
                        fixed(600_000), 5_000_000, 0, 10, false, 900_000, 1_100_000),
                new Case("ramp: a sender following the estimate on a 5 Mbit/s path climbs 8 %/s",
                        following(10_000_000), 5_000_000, 0, 20, false, 3_000_000, 5_500_000),
                new Case("congestion: 1.5 Mbit/s into 500 kbit/s (2/3 dropped), overuse and loss take the estimate below the link rate",
                        fixed(1_500_000), 500_000, 0, 10, true, 100_000, 500_000),
                new Case("congestion, closed loop: a sender following the estimate settles near 500 kbit/s",
                        following(2_000_000), 500_000, 0, 20, true, 250_000, 600_000),
                new Case("loss 20 %: the loss-based controller cuts the rate",
                        fixed(800_000), 5_000_000, 0.20, 10, false, 100_000, 500_000),
                new Case("loss 10 %: at the threshold the estimate steps down gently, not toward the floor",
                        fixed(800_000), 5_000_000, 0.10, 10, false, 500_000, 1_300_000),
                new Case("loss 1 %: below 2 % the estimate is not cut",
                        fixed(800_000), 5_000_000, 0.01, 10, false, 1_000_000, 1_300_000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void estimates(Case c) {
        LinkSimulation sim = new LinkSimulation();
        sim.run(0, c.seconds * SECOND, c.rate, c.linkBps, c.loss, now -> 0);
        long estimate = sim.estimator.estimate();
        assertThat(sim.overuseSeen).as("overuse seen").isEqualTo(c.overuse);
        assertThat(estimate).as("estimate after %d s (acked %d, loss %.2f)", c.seconds, sim.estimator.ackedBps(),
                sim.estimator.lossFraction()).isBetween(c.minBps, c.maxBps);
    }

    @Test
    void aDelaySpikeDropsTheEstimateAndItRecovers() {
        LinkSimulation sim = new LinkSimulation();
        LongUnaryOperator spike = now -> now >= 10 * SECOND && now < 13 * SECOND ? (now - 10 * SECOND) / 15 : 0;
        sim.run(0, 10 * SECOND, following(1_200_000), 5_000_000, 0, spike);
        long before = sim.estimator.estimate();
        assertThat(sim.overuseSeen).isFalse();
        sim.run(10 * SECOND, 13 * SECOND, following(1_200_000), 5_000_000, 0, spike);
        assertThat(sim.overuseSeen).as("queueing delay growing 200 ms in 3 s is overuse").isTrue();
        assertThat(sim.lowest).as("lowest estimate during the spike").isLessThan(before * 9 / 10);
        sim.run(13 * SECOND, 40 * SECOND, following(1_200_000), 5_000_000, 0, spike);
        assertThat(sim.estimator.estimate()).as("recovered after the spike").isGreaterThanOrEqualTo(1_000_000);
    }

    @Test
    void rembSetsTheEstimateOnlyWithoutTransportCcFeedback() {
        BandwidthEstimator e = new BandwidthEstimator(BandwidthEstimator.Limits.DEFAULT);
        byte[] buf = new byte[64];
        Remb remb = new Remb();
        int n = Remb.write(buf, 0, buf.length, 1, 300_000, new int[] {5}, 1);
        assertThat(remb.wrap(buf, 0, n)).isTrue();
        e.onRemb(remb.bitrate(), 10 * SECOND);
        assertThat(e.estimate()).isEqualTo(300_000);
        e.onRemb(Long.MAX_VALUE, 11 * SECOND);
        assertThat(e.estimate()).as("clamped to the maximum").isEqualTo(BandwidthEstimator.Limits.DEFAULT.maxBps());

        LinkSimulation sim = new LinkSimulation();
        sim.run(0, 5 * SECOND, fixed(600_000), 5_000_000, 0, now -> 0);
        long estimate = sim.estimator.estimate();
        sim.estimator.onRemb(120_000, 5 * SECOND);
        assertThat(sim.estimator.estimate()).as("REMB ignored while transport-cc feedback comes").isEqualTo(estimate);
    }

    @Test
    void aProbeLiftsTheEstimateToWhatThePathCarried() {
        LinkSimulation sim = new LinkSimulation();
        // 300 kbit/s of media, padded up to the probe goal while a probe runs
        LongUnaryOperator rate = estimate -> Math.max(300_000, sim.estimator.probeGoal());
        sim.run(0, 8 * SECOND, rate, 5_000_000, 0, now -> 0);
        long before = sim.estimator.estimate();
        assertThat(before).as("no higher than 1.5 x what is received, or the start").isLessThan(1_100_000);
        assertThat(sim.estimator.startProbe(3_000_000, 8 * SECOND)).isTrue();
        assertThat(sim.estimator.startProbe(3_000_000, 8 * SECOND)).as("one probe at a time").isFalse();
        sim.run(8 * SECOND, 9_200_000, rate, 5_000_000, 0, now -> 0);
        assertThat(sim.estimator.probeGoal()).as("probe over").isZero();
        assertThat(sim.estimator.estimate()).isGreaterThan(2_500_000);
    }

    @Test
    void aProbeIntoABottleneckDoesNotLiftTheEstimate() {
        LinkSimulation sim = new LinkSimulation();
        LongUnaryOperator rate = estimate -> Math.max(300_000, sim.estimator.probeGoal());
        sim.run(0, 8 * SECOND, rate, 500_000, 0, now -> 0);
        assertThat(sim.estimator.startProbe(1_500_000, 8 * SECOND)).isTrue();
        sim.run(8 * SECOND, 10 * SECOND, rate, 500_000, 0, now -> 0);
        assertThat(sim.estimator.estimate()).isLessThan(600_000);
        assertThat(sim.estimator.startProbe(1_500_000, 10 * SECOND)).as("no new probe right after overuse").isFalse();
    }

    @Test
    void afterEachFailedProbeTheWaitDoublesUpTo16SecondsAndASuccessResetsIt() {
        LinkSimulation sim = new LinkSimulation();
        LongUnaryOperator unpadded = fixed(300_000); // the sender cannot pad: every probe fails, without overuse
        sim.run(0, 8 * SECOND, unpadded, 5_000_000, 0, now -> 0);
        assertThat(sim.estimator.probeBackoffMicros()).isEqualTo(BandwidthEstimator.MIN_PROBE_BACKOFF_MICROS);
        long now = 8 * SECOND;
        for (long expected : new long[] {4 * SECOND, 8 * SECOND, 16 * SECOND, 16 * SECOND}) {
            assertThat(sim.estimator.startProbe(3_000_000, now)).isTrue();
            sim.run(now, now + 1_300_000, unpadded, 5_000_000, 0, t -> 0);
            assertThat(sim.estimator.probeGoal()).as("probe over").isZero();
            assertThat(sim.overuseSeen).isFalse();
            long next = sim.estimator.nextProbeMicros();
            assertThat(sim.estimator.probeBackoffMicros()).as("the wait after a failed probe").isEqualTo(expected);
            sim.run(now + 1_300_000, next - 1, unpadded, 5_000_000, 0, t -> 0);
            assertThat(sim.estimator.startProbe(3_000_000, next - 1)).as("too soon").isFalse();
            now = next;
        }
        LongUnaryOperator padded = estimate -> Math.max(300_000, sim.estimator.probeGoal());
        assertThat(sim.estimator.startProbe(3_000_000, now)).isTrue();
        sim.run(now, now + 1_300_000, padded, 5_000_000, 0, t -> 0);
        assertThat(sim.estimator.estimate()).as("the probe carried").isGreaterThan(2_000_000);
        assertThat(sim.estimator.probeBackoffMicros()).as("reset by a success").isEqualTo(BandwidthEstimator.MIN_PROBE_BACKOFF_MICROS);
    }

    @Test
    void feedbackForUnknownOrRepeatedSequenceNumbersIsIgnored() {
        SendHistory history = new SendHistory();
        assertThat(history.slot(0)).as("nothing sent").isEqualTo(-1);
        for (int i = 0; i < SendHistory.SIZE + 10; i++) {
            history.sent(i * 1000L, 100 + i);
        }
        assertThat(history.slot(5)).as("overwritten by newer packets").isEqualTo(-1);
        int slot = history.slot(SendHistory.SIZE + 9);
        assertThat(history.size(slot)).isEqualTo(100 + SendHistory.SIZE + 9);
        assertThat(history.markLost(slot)).isTrue();
        assertThat(history.markLost(slot)).as("lost once").isFalse();
        assertThat(history.markReceived(slot)).as("late arrival after a loss report").isTrue();
        assertThat(history.markReceived(slot)).as("a duplicate report").isFalse();
        assertThat(history.slot(SendHistory.SIZE + 10)).as("not sent yet (wraps to an old one)").isEqualTo(-1);
        assertThat(new TransportCcFeedback().wrap(new byte[8], 0, 8)).isFalse();
    }
}
