package io.atrium.server.sfu.bwe;

import io.atrium.webrtc.rtcp.TransportCcFeedback;
import io.atrium.webrtc.rtcp.TransportCcFeedbackWriter;
import java.util.Random;
import java.util.function.LongUnaryOperator;

/**
 * A sender, a bottleneck link and a receiver that answers with transport-cc feedback, on a fake clock:
 * packets of {@link #PACKET} bytes leave evenly at the sending rate, wait in a FIFO served at the link
 * rate (tail-dropped beyond {@link #MAX_QUEUE_MICROS} of queue, like tbf's latency), cross a base delay
 * plus an extra delay that may change over time, and are lost at random with a given probability. Every
 * {@link #FEEDBACK_MICROS} the receiver reports what arrived, written by Atrium's own feedback writer and
 * read back by the reader, as a subscriber's feedback would be, unless the feedback path is {@link #feedbackLost lost}.
 * Every {@link #CHECK_MICROS} the estimator checks for silence, as the NACK tick has it do.
 */
final class LinkSimulation {

    static final int PACKET = 1200;
    static final long FEEDBACK_MICROS = 100_000;
    static final long BASE_DELAY_MICROS = 20_000;
    static final long MAX_QUEUE_MICROS = 300_000;
    static final long CHECK_MICROS = 20_000;

    final SendHistory history = new SendHistory();
    final BandwidthEstimator estimator = new BandwidthEstimator(BandwidthEstimator.Limits.DEFAULT);
    private final TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter();
    private final TransportCcFeedback reader = new TransportCcFeedback();
    private final byte[] out = new byte[16_384];
    private final Random random = new Random(16);
    // packets sent and not yet reported: sequence, arrival (-1 lost)
    private final long[] arrivals = new long[1 << 16];
    private int firstUnreported;
    private int nextSeq;
    private long linkFree;
    private long lastArrival;
    private int feedbackCount;
    boolean overuseSeen;
    long lowest = Long.MAX_VALUE;
    /** While true the receiver's feedback messages are lost on their way back (it does not repeat what they said). */
    boolean feedbackLost;
    /** The estimate after each silence check that lowered it, with the time: {micros, bit/s}. */
    final java.util.List<long[]> silenceSteps = new java.util.ArrayList<>();

    /**
     * Runs from {@code fromMicros} to {@code toMicros}: sends at {@code rate.applyAsLong(estimate)}
     * bit/s (0: nothing, looked at again a check later) over a link of {@code linkBps} with random {@code loss} and
     * {@code extraDelay(now)}.
     */
    void run(long fromMicros, long toMicros, LongUnaryOperator rate, long linkBps, double loss, LongUnaryOperator extraDelay) {
        long now = fromMicros;
        long nextFeedback = fromMicros + FEEDBACK_MICROS;
        long nextCheck = fromMicros + CHECK_MICROS;
        while (now < toMicros) {
            long bps = rate.applyAsLong(estimator.estimate());
            long next = now + CHECK_MICROS;
            if (bps > 0) {
                send(now, linkBps, loss, extraDelay.applyAsLong(now));
                next = now + PACKET * 8L * 1_000_000 / bps;
            }
            now = next;
            while (Math.min(nextFeedback, nextCheck) <= now) {
                if (nextFeedback <= nextCheck) {
                    feedback(nextFeedback);
                    nextFeedback += FEEDBACK_MICROS;
                } else {
                    if (estimator.checkSilence(nextCheck)) {
                        silenceSteps.add(new long[] {nextCheck, estimator.estimate()});
                        lowest = Math.min(lowest, estimator.estimate());
                    }
                    nextCheck += CHECK_MICROS;
                }
            }
        }
    }

    private void send(long now, long linkBps, double loss, long extraDelay) {
        int seq = history.nextSequence();
        history.sent(now, PACKET);
        estimator.onSent(now);
        nextSeq = seq + 1;
        long start = Math.max(now, linkFree);
        long arrival = -1;
        if (start - now <= MAX_QUEUE_MICROS) {
            linkFree = start + PACKET * 8L * 1_000_000 / linkBps;
            if (random.nextDouble() >= loss) {
                arrival = Math.max(lastArrival, linkFree + BASE_DELAY_MICROS + extraDelay);
                lastArrival = arrival;
            }
        }
        arrivals[seq & 0xFFFF] = arrival;
    }

    private void feedback(long now) {
        boolean started = false;
        int last = firstUnreported - 1;
        for (int s = firstUnreported; s != (nextSeq & 0xFFFF); s = (s + 1) & 0xFFFF) {
            long arrival = arrivals[s];
            if (arrival < 0 || arrival > now) {
                if (arrival > now) {
                    break; // still in flight: report from here next time
                }
                continue;
            }
            if (!started) {
                writer.reset(1, 2, firstUnreported, arrival, feedbackCount);
                started = true;
            }
            if (!writer.addReceived(s, arrival)) {
                break;
            }
            last = s;
        }
        if (!started) {
            return;
        }
        int n = writer.write(out, 0, out.length);
        if (feedbackLost) {
            feedbackCount = (feedbackCount + 1) & 0xFF;
            firstUnreported = (last + 1) & 0xFFFF;
            return;
        }
        if (n > 0 && reader.wrap(out, 0, n)) {
            estimator.onFeedback(reader, history, now);
            feedbackCount = (feedbackCount + 1) & 0xFF;
            firstUnreported = (last + 1) & 0xFFFF;
            overuseSeen |= estimator.signal() == TrendlineDetector.Signal.OVERUSE;
            lowest = Math.min(lowest, estimator.estimate());
        }
    }
}
