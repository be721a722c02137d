package io.atrium.server.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtcp.Remb;
import io.atrium.webrtc.rtcp.TransportCcFeedback;
import java.util.List;
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
        assertThat(sim.silenceSteps).as("feedback every 100 ms is never silence").isEmpty();
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
        assertThat(sim.silenceSteps).as("late feedback is no silence").isEmpty();
    }

    /**
     * Runs 10 s at 1.5 Mbit/s on a 5 Mbit/s path, then loses every feedback message for {@code silentSeconds} while
     * the sender keeps sending: the silence starts with the first packet after the feedback at 10 s.
     */
    static LinkSimulation silenced(int rttMillis, long silentSeconds) {
        LinkSimulation sim = new LinkSimulation();
        sim.estimator.rtt(rttMillis);
        sim.run(0, 10 * SECOND, fixed(1_500_000), 5_000_000, 0, t -> 0);
        sim.feedbackLost = true;
        sim.run(10 * SECOND, (10 + silentSeconds) * SECOND, fixed(1_500_000), 5_000_000, 0, t -> 0);
        return sim;
    }

    @Test
    void whenFeedbackStopsWhileAtriumSendsTheEstimateHalvesAfterEachSilenceOfHalfASecondPlusRttNeverBelowTheMinimum() {
        LinkSimulation before = new LinkSimulation();
        before.run(0, 10 * SECOND, fixed(1_500_000), 5_000_000, 0, t -> 0);
        long estimate = before.estimator.estimate();
        assertThat(estimate).as("the estimate before the silence").isGreaterThan(1_500_000);
        long min = BandwidthEstimator.Limits.DEFAULT.minBps();
        for (int rtt : new int[] {100, 400}) {
            LinkSimulation sim = silenced(rtt, 6);
            long window = BandwidthEstimator.SILENCE_MICROS + rtt * 1000L;
            List<long[]> steps = sim.silenceSteps;
            assertThat(steps).as("RTT %d ms: steps {micros, bit/s}", rtt).isNotEmpty();
            assertThat(steps.get(0)[0] - 10 * SECOND).as("RTT %d ms: the first step after the silence began", rtt)
                    .isBetween(window, window + 2 * LinkSimulation.CHECK_MICROS);
            long previous = estimate;
            for (int i = 0; i < steps.size(); i++) {
                long[] step = steps.get(i);
                assertThat(step[1]).as("RTT %d ms: step %d halves the estimate, down to the minimum", rtt, i)
                        .isBetween(Math.max(min, previous / 2 - 1), Math.max(min, previous / 2));
                if (i > 0) {
                    assertThat(step[0] - steps.get(i - 1)[0]).as("RTT %d ms: between steps", rtt)
                            .isBetween(window, window + LinkSimulation.CHECK_MICROS);
                }
                previous = step[1];
            }
            assertThat(sim.estimator.estimate()).as("RTT %d ms: at the floor after 6 s", rtt).isEqualTo(min);
            assertThat(sim.lowest).as("RTT %d ms: never below it", rtt).isEqualTo(min);
            assertThat(steps.get(steps.size() - 1)[1]).as("the last step reached the floor").isEqualTo(min);
        }
    }

    @Test
    void withoutSendingNoFeedbackIsNoSilence() {
        LinkSimulation sim = new LinkSimulation();
        sim.run(0, 10 * SECOND, fixed(1_500_000), 5_000_000, 0, t -> 0);
        sim.run(10 * SECOND, 10 * SECOND + 200_000, fixed(0), 5_000_000, 0, t -> 0); // the last packets are reported
        long estimate = sim.estimator.estimate();
        long feedbacks = sim.estimator.feedbacks();
        sim.run(10 * SECOND + 200_000, 20 * SECOND, fixed(0), 5_000_000, 0, t -> 0);
        assertThat(sim.estimator.feedbacks()).as("no feedback for 9.8 s").isEqualTo(feedbacks);
        assertThat(sim.silenceSteps).isEmpty();
        assertThat(sim.estimator.estimate()).isEqualTo(estimate);
    }

    @Test
    void whenFeedbackResumesTheControllersTakeTheEstimateUpFromWhereTheSilenceLeftIt() {
        LinkSimulation sim = silenced(100, 6);
        long min = BandwidthEstimator.Limits.DEFAULT.minBps();
        long lastLowering = sim.silenceSteps.get(sim.silenceSteps.size() - 1)[0];
        sim.feedbackLost = false;
        LongUnaryOperator padded = estimate -> Math.max(Math.min(estimate, 1_500_000), sim.estimator.probeGoal());
        sim.run(16 * SECOND, 16 * SECOND + 300_000, padded, 5_000_000, 0, t -> 0);
        int steps = sim.silenceSteps.size();
        assertThat(sim.estimator.estimate()).as("no jump back: the controllers go on from the floor")
                .isBetween(min, min * 11 / 10);
        sim.run(16 * SECOND + 300_000, lastLowering + BandwidthEstimator.OVERUSE_HOLD_MICROS - 1, padded, 5_000_000, 0, t -> 0);
        long increased = sim.estimator.estimate();
        assertThat(increased).as("the rate controller's increase (8 %/s) while the probes are held off").isGreaterThan(min * 11 / 10)
                .isLessThan(min * 2);
        assertThat(sim.estimator.startProbe(3_000_000, false, lastLowering + BandwidthEstimator.OVERUSE_HOLD_MICROS - 1))
                .as("held off as after an overuse").isFalse();
        long now = lastLowering + BandwidthEstimator.OVERUSE_HOLD_MICROS;
        for (int i = 0; i < 10 && sim.estimator.estimate() < 1_500_000; i++) { // probes: each carries its goal
            assertThat(sim.estimator.startProbe(2 * sim.estimator.estimate(), false, now)).as("probe %d", i).isTrue();
            sim.run(now, now + 1_100_000, padded, 5_000_000, 0, t -> 0);
            now += 1_100_000;
        }
        assertThat(sim.estimator.estimate()).as("probed back up within 11 s of the hold").isGreaterThanOrEqualTo(1_500_000);
        assertThat(sim.silenceSteps).as("no silence once feedback is back").hasSize(steps);
    }

    @Test
    void aPeerWithoutTransportCcFeedbackIsNeverSilent() {
        BandwidthEstimator remb = new BandwidthEstimator(BandwidthEstimator.Limits.DEFAULT);
        remb.onRemb(800_000, 0);
        BandwidthEstimator none = new BandwidthEstimator(BandwidthEstimator.Limits.DEFAULT);
        for (long now = 0; now < 10 * SECOND; now += LinkSimulation.CHECK_MICROS) {
            remb.onSent(now); // even if it were told of packets sent: no transport-cc feedback came, none is missed
            none.onSent(now);
            assertThat(remb.checkSilence(now)).isFalse();
            assertThat(none.checkSilence(now)).isFalse();
        }
        assertThat(remb.estimate()).as("REMB's estimate").isEqualTo(800_000);
        assertThat(none.estimate()).as("the initial estimate").isEqualTo(BandwidthEstimator.Limits.DEFAULT.initialBps());
    }

    @Test
    void aLateCheckIsNoSilence() {
        LinkSimulation sim = new LinkSimulation();
        sim.run(0, 10 * SECOND, fixed(1_500_000), 5_000_000, 0, t -> 0);
        long estimate = sim.estimator.estimate();
        sim.estimator.onSent(10 * SECOND + 1);
        assertThat(sim.estimator.checkSilence(11 * SECOND)).as("the media thread was held up for a second: feedback may"
                + " wait unread").isFalse();
        assertThat(sim.estimator.checkSilence(11 * SECOND + LinkSimulation.CHECK_MICROS)).as("the next check").isTrue();
        assertThat(sim.estimator.estimate()).isEqualTo(estimate / 2);
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
        assertThat(sim.estimator.startProbe(3_000_000, false, 8 * SECOND)).isTrue();
        assertThat(sim.estimator.startProbe(3_000_000, false, 8 * SECOND)).as("one probe at a time").isFalse();
        sim.run(8 * SECOND, 9_200_000, rate, 5_000_000, 0, now -> 0);
        assertThat(sim.estimator.probeGoal()).as("probe over").isZero();
        assertThat(sim.estimator.estimate()).isGreaterThan(2_500_000);
    }

    @Test
    void aProbeIntoABottleneckDoesNotLiftTheEstimate() {
        LinkSimulation sim = new LinkSimulation();
        LongUnaryOperator rate = estimate -> Math.max(300_000, sim.estimator.probeGoal());
        sim.run(0, 8 * SECOND, rate, 500_000, 0, now -> 0);
        assertThat(sim.estimator.startProbe(1_500_000, false, 8 * SECOND)).isTrue();
        sim.run(8 * SECOND, 10 * SECOND, rate, 500_000, 0, now -> 0);
        assertThat(sim.estimator.estimate()).isLessThan(600_000);
        assertThat(sim.estimator.startProbe(1_500_000, false, 10 * SECOND)).as("no new probe right after overuse").isFalse();
    }

    @Test
    void whileThePathShowsLossTheWaitAfterEachFailedProbeDoublesUpTo16SecondsAndASuccessEndsIt() {
        LinkSimulation sim = new LinkSimulation();
        LongUnaryOperator unpadded = fixed(300_000); // the sender cannot pad: every probe fails, without overuse
        double loss = 0.05; // between 2 and 10 %: the estimate holds, and the path is not clean
        sim.run(0, 8 * SECOND, unpadded, 5_000_000, loss, now -> 0);
        assertThat(sim.estimator.probeBackoffMicros()).isEqualTo(BandwidthEstimator.MIN_PROBE_BACKOFF_MICROS);
        long now = 8 * SECOND;
        for (long expected : new long[] {4 * SECOND, 8 * SECOND, 16 * SECOND, 16 * SECOND}) {
            assertThat(sim.estimator.startProbe(3_000_000, false, now)).isTrue();
            sim.run(now, now + 1_300_000, unpadded, 5_000_000, loss, t -> 0);
            assertThat(sim.estimator.probeGoal()).as("probe over").isZero();
            assertThat(sim.overuseSeen).isFalse();
            long next = sim.estimator.nextProbeMicros(false);
            assertThat(sim.estimator.probeBackoffMicros()).as("the wait after a failed probe").isEqualTo(expected);
            sim.run(now + 1_300_000, next - 1, unpadded, 5_000_000, loss, t -> 0);
            assertThat(sim.estimator.startProbe(3_000_000, false, next - 1)).as("too soon").isFalse();
            assertThat(sim.estimator.nextProbeMicros(true) - next + expected)
                    .as("the wait while a video track is suspended").isEqualTo(Math.min(expected, 4 * SECOND));
            now = next;
        }
        LongUnaryOperator padded = estimate -> Math.max(300_000, sim.estimator.probeGoal());
        assertThat(sim.estimator.startProbe(2_000_000, false, now)).isTrue();
        sim.run(now, now + 1_300_000, padded, 5_000_000, loss, t -> 0);
        assertThat(sim.estimator.estimate()).as("the probe carried, and lifted the loss-based limit with it")
                .isGreaterThan(1_700_000);
        assertThat(sim.estimator.probeBackoffMicros()).as("it carried its whole goal: the next may follow at once").isZero();
        assertThat(sim.estimator.startProbe(4_000_000, false, now + 1_300_000)).isTrue();
    }

    @Test
    void theWaitAfterFailedProbesEndsWhenLossAndDelayWereCleanFor10SecondsOrWhatTheTracksWantRises() {
        LinkSimulation sim = new LinkSimulation();
        LongUnaryOperator unpadded = fixed(300_000);
        sim.run(0, 8 * SECOND, unpadded, 5_000_000, 0.05, now -> 0);
        long now = 8 * SECOND;
        for (int i = 0; i < 3; i++) { // 4, 8, 16 s
            assertThat(sim.estimator.startProbe(3_000_000, false, now)).isTrue();
            sim.run(now, now + 1_300_000, unpadded, 5_000_000, 0.05, t -> 0);
            now = sim.estimator.nextProbeMicros(false);
        }
        long end = now - 16 * SECOND;
        assertThat(sim.estimator.probeBackoffMicros()).isEqualTo(16 * SECOND);
        sim.run(end + 300_000, end + 9 * SECOND, unpadded, 5_000_000, 0, t -> 0); // the loss is over
        assertThat(sim.estimator.probeBackoffMicros()).as("not clean for 10 s yet").isEqualTo(16 * SECOND);
        sim.run(end + 9 * SECOND, end + 12 * SECOND, unpadded, 5_000_000, 0, t -> 0);
        assertThat(sim.estimator.probeBackoffMicros()).as("clean for 10 s").isEqualTo(BandwidthEstimator.MIN_PROBE_BACKOFF_MICROS);
        assertThat(sim.estimator.startProbe(3_000_000, false, end + 12 * SECOND)).isTrue();

        LinkSimulation other = new LinkSimulation();
        other.run(0, 8 * SECOND, unpadded, 5_000_000, 0.05, t -> 0);
        now = 8 * SECOND;
        for (int i = 0; i < 3; i++) {
            assertThat(other.estimator.startProbe(3_000_000, false, now)).isTrue();
            other.run(now, now + 1_300_000, unpadded, 5_000_000, 0.05, t -> 0);
            now = other.estimator.nextProbeMicros(false);
        }
        end = now - 16 * SECOND;
        other.run(end + 300_000, end + 3 * SECOND, unpadded, 5_000_000, 0.05, t -> 0);
        assertThat(other.estimator.startProbe(3_000_000, false, end + 3 * SECOND)).as("16 s wait").isFalse();
        other.estimator.demandRose(); // a larger tile: more is wanted than the failed probes asked
        assertThat(other.estimator.startProbe(3_000_000, false, end + 3 * SECOND)).isTrue();
    }

    /**
     * A subscriber's loop as {@code Subscriber.allocate} runs it, every 200 ms on the fake clock: it wants
     * {@code wanted(t)} bit/s of video (one track, whose cheapest step is {@value #CHEAPEST} bit/s) plus
     * {@value #AUDIO} of audio; below that the video is suspended and only audio flows. While the tracks want more than
     * the estimate it asks for a probe toward min(1.5 × what they want, 2 × the estimate), padded while it runs; a rise
     * of what is wanted is told to the estimator.
     */
    static final long AUDIO = 40_000;
    static final long CHEAPEST = 150_000;

    record Recovery(String name, long troubleSeconds, LongUnaryOperator linkBps, double troubleLoss,
                    LongUnaryOperator troubleDelay, LongUnaryOperator wanted, long maxRecoverySeconds) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A sawtooth of queueing delay, as a loaded machine's scheduling adds: 0 → 150 ms in 1.5 s, then drained, again. */
    static long sawtooth(long now) {
        long phase = now % (2 * SECOND);
        return phase < 1_500_000 ? phase / 10 : 0;
    }

    static Stream<Recovery> recoveries() {
        return Stream.of(
                new Recovery("delay jitter of a loaded machine for 45 s suspends the video; once it is over the estimate"
                        + " carries its 1.2 Mbit/s within 8 s (5.8 s; it took 10.8 s behind the 16 s wait after failed probes)",
                        45, t -> 5_000_000, 0, BandwidthEstimatorTest::sawtooth, t -> 1_200_000, 8),
                new Recovery("20 % loss for 12 s cuts the estimate; once the loss is over a probe lifts it past the"
                        + " loss-based limit within 4 s (1.2 s; 16 s when probes could not lift a loss-limited estimate)",
                        12, t -> 5_000_000, 0.20, t -> 0, t -> 1_200_000, 4),
                new Recovery("a 300 kbit/s bottleneck for 25 s, its probes failing; the link opens and a larger tile then"
                        + " asks 1.8 Mbit/s: reached within 8 s of the link opening (5.6 s; 11 s before)",
                        25, t -> t < 25 * SECOND ? 300_000 : 5_000_000, 0, t -> 0,
                        t -> t < 26 * SECOND ? 1_000_000 : 1_800_000, 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recoveries")
    void recoversPromptlyOnceTroubleIsOver(Recovery c) {
        LinkSimulation sim = new LinkSimulation();
        long slice = 200_000;
        long troubleEnd = c.troubleSeconds * SECOND;
        boolean suspendedSeen = false;
        long wantedBefore = 0;
        long recovered = -1;
        for (long now = 0; now < troubleEnd + 40 * SECOND && recovered < 0; now += slice) {
            boolean trouble = now < troubleEnd;
            long wanted = c.wanted.applyAsLong(now);
            long estimate = sim.estimator.estimate();
            boolean suspended = estimate < CHEAPEST + AUDIO;
            suspendedSeen |= suspended && trouble;
            if (wanted > wantedBefore) {
                sim.estimator.demandRose();
            }
            wantedBefore = wanted;
            if (wanted + AUDIO > estimate) {
                sim.estimator.startProbe(Math.min((wanted + AUDIO) * 3 / 2, 2 * estimate), suspended, now);
            }
            long media = AUDIO + (suspended ? 0 : Math.min(wanted, estimate - AUDIO));
            LongUnaryOperator rate = e -> Math.max(media, sim.estimator.probeGoal());
            sim.run(now, now + slice, rate, c.linkBps.applyAsLong(now), trouble ? c.troubleLoss : 0,
                    trouble ? c.troubleDelay : t -> 0);
            if (!trouble && sim.estimator.estimate() >= wanted + AUDIO && wanted == c.wanted.applyAsLong(troubleEnd + 40 * SECOND)) {
                recovered = now + slice;
            }
        }
        if (c.troubleLoss == 0 && c.linkBps.applyAsLong(0) > 1_000_000) {
            assertThat(suspendedSeen).as("the trouble suspended the video").isTrue();
        }
        assertThat(recovered).as("recovered to what the tracks want").isPositive();
        assertThat((recovered - troubleEnd) / 1e6).as("seconds from the end of the trouble to the full estimate")
                .isLessThanOrEqualTo(c.maxRecoverySeconds);
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
