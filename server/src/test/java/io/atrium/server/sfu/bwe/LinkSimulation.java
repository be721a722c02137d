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
 * read back by the reader, as a subscriber's feedback would be.
 */
final class LinkSimulation {

    static final int PACKET = 1200;
    static final long FEEDBACK_MICROS = 100_000;
    static final long BASE_DELAY_MICROS = 20_000;
    static final long MAX_QUEUE_MICROS = 300_000;

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

    /**
     * Runs from {@code fromMicros} to {@code toMicros}: sends at {@code rate.applyAsLong(estimate)}
     * bit/s over a link of {@code linkBps} with random {@code loss} and {@code extraDelay(now)}.
     */
    void run(long fromMicros, long toMicros, LongUnaryOperator rate, long linkBps, double loss, LongUnaryOperator extraDelay) {
        long now = fromMicros;
        long nextFeedback = fromMicros + FEEDBACK_MICROS;
        while (now < toMicros) {
            long bps = Math.max(1, rate.applyAsLong(estimator.estimate()));
            long gap = PACKET * 8L * 1_000_000 / bps;
            send(now, linkBps, loss, extraDelay.applyAsLong(now));
            now += gap;
            while (nextFeedback <= now) {
                feedback(nextFeedback);
                nextFeedback += FEEDBACK_MICROS;
            }
        }
    }

    private void send(long now, long linkBps, double loss, long extraDelay) {
        int seq = history.nextSequence();
        history.sent(now, PACKET);
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
        if (n > 0 && reader.wrap(out, 0, n)) {
            estimator.onFeedback(reader, history, now);
            feedbackCount = (feedbackCount + 1) & 0xFF;
            firstUnreported = (last + 1) & 0xFFFF;
            overuseSeen |= estimator.signal() == TrendlineDetector.Signal.OVERUSE;
            lowest = Math.min(lowest, estimator.estimate());
        }
    }
}
