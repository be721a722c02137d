package io.atrium.server.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.atrium.webrtc.rtcp.TransportCcFeedback;

/**
 * Coverage-guided fuzzing (Jazzer) of the estimator on whatever transport-cc feedback a subscriber sends
 * (the reader itself is fuzzed by webrtc's {@code RtcpFuzzer}): a history of 2,000 sent packets, then
 * fuzzer-chosen feedback bodies behind a valid RTPFB/FMT 15 header (or raw bytes), read at fuzzer-chosen
 * times, each followed by a fuzzer-chosen silence: no feedback for a number of the media thread's silence
 * checks ({@link BandwidthEstimator#checkSilence}) a fuzzer-chosen time apart (late ones too), at a fuzzer-chosen
 * RTT, with Atrium sending meanwhile or not. Nothing may throw; the estimate stays within its limits (so never
 * negative), the loss fraction within [0, 1]; a silence check never raises the estimate, lowers it only while
 * packets sent since the last feedback go unanswered, then to at most half (never below the minimum) and no
 * sooner than {@link BandwidthEstimator#SILENCE_MICROS} + RTT after the first of them and after its last step;
 * a silence long enough for every halving, its checks on time, brings the estimate to the minimum.
 * Corpus: {@code FeedbackEstimatorFuzzerInputs/fuzz/} ({@code seed-silence-after-feedback}: a feedback, then
 * four seconds of silence while sending, checked every 20 ms: the estimate steps from 1 Mbit/s to the floor).
 */
public class FeedbackEstimatorFuzzer {

    private static final BandwidthEstimator.Limits LIMITS = BandwidthEstimator.Limits.DEFAULT;

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        SendHistory history = new SendHistory();
        BandwidthEstimator estimator = new BandwidthEstimator(LIMITS);
        TransportCcFeedback reader = new TransportCcFeedback();
        for (int i = 0; i < 2000; i++) {
            history.sent(i * 1000L, 1200);
        }
        Silence silence = new Silence();
        long now = 2_000_000;
        while (data.remainingBytes() > 0) {
            now += data.consumeInt(0, 1_000_000);
            byte[] packet;
            if (data.consumeBoolean()) {
                packet = data.consumeBytes(data.consumeInt(0, 1500));
            } else {
                byte[] body = data.consumeBytes(4 * data.consumeInt(3, 300));
                packet = new byte[4 + body.length];
                packet[0] = (byte) 0x8F; // V=2, FMT=15
                packet[1] = (byte) 205; // RTPFB
                packet[2] = (byte) ((packet.length / 4 - 1) >> 8);
                packet[3] = (byte) (packet.length / 4 - 1);
                System.arraycopy(body, 0, packet, 4, body.length);
            }
            if (reader.wrap(packet, 0, packet.length)) {
                estimator.onFeedback(reader, history, now);
                silence.firstUnanswered = -1;
            }
            assertWithinLimits(estimator);
            assertThat(estimator.lossFraction()).isBetween(0.0, 1.0);
            assertThat(estimator.ackedBps()).isGreaterThanOrEqualTo(-1);
            now = silence.run(data, estimator, now);
        }
    }

    /** What a run of silence checks must respect across silences: the first packet unanswered, the last step down. */
    private static final class Silence {
        long firstUnanswered = -1;
        long lastStep = Long.MIN_VALUE / 2;

        /** A fuzzer-chosen silence from {@code now}: no feedback, Atrium sending or not; returns the time at its end. */
        long run(FuzzedDataProvider data, BandwidthEstimator estimator, long now) {
            int checks = data.consumeInt(0, 500);
            if (checks == 0) {
                return now;
            }
            boolean sending = data.consumeBoolean();
            int rttMillis = data.consumeInt(0, 1000);
            // the media thread checks every 20 ms; a later check (beyond LATE_CHECK_MICROS) only notes the time
            long apart = data.consumeInt(1_000, 2 * (int) BandwidthEstimator.LATE_CHECK_MICROS);
            estimator.rtt(rttMillis);
            long wait = BandwidthEstimator.SILENCE_MICROS + rttMillis * 1000L;
            long start = estimator.estimate();
            for (int i = 0; i < checks; i++) {
                if (sending) {
                    estimator.onSent(now);
                    if (firstUnanswered < 0) {
                        firstUnanswered = now;
                    }
                }
                now += apart;
                long before = estimator.estimate();
                boolean lowered = estimator.checkSilence(now);
                assertWithinLimits(estimator);
                if (lowered) {
                    assertThat(firstUnanswered).as("lowered with nothing sent since the last feedback").isNotNegative();
                    assertThat(now - firstUnanswered).as("lowered sooner than 500 ms + RTT after a packet left").isGreaterThanOrEqualTo(wait);
                    assertThat(now - lastStep).as("lowered sooner than 500 ms + RTT after the last step").isGreaterThanOrEqualTo(wait);
                    assertThat(estimator.estimate()).isLessThan(before).isLessThanOrEqualTo(Math.max(LIMITS.minBps(), before / 2));
                    lastStep = now;
                } else {
                    assertThat(estimator.estimate()).as("a silence check that did not lower the estimate changed it").isEqualTo(before);
                }
            }
            // each halving takes at most one wait and a check; the first check of a silence may be late (only noting the time)
            int halvings = 64 - Long.numberOfLeadingZeros(start / LIMITS.minBps());
            if (sending && estimator.feedbacks() > 0 && apart <= BandwidthEstimator.LATE_CHECK_MICROS
                    && checks * apart >= (halvings + 2) * (wait + apart)) {
                assertThat(estimator.estimate()).as("a long silence while sending ends at the minimum").isEqualTo(LIMITS.minBps());
            }
            return now;
        }
    }

    private static void assertWithinLimits(BandwidthEstimator estimator) {
        assertThat(estimator.estimate()).isNotNegative().isBetween(LIMITS.minBps(), LIMITS.maxBps());
    }
}
