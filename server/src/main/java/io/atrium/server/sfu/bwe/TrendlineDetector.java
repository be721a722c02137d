package io.atrium.server.sfu.bwe;

/**
 * The delay-based overuse detector of Google congestion control (draft-ietf-rmcat-gcc-02 sections
 * 5.2-5.4, with the trendline filter of its later implementations): packets are grouped by send time
 * into bursts of {@value #BURST_MICROS} us; for each pair of groups the one-way delay variation
 * (arrival delta minus send delta) is accumulated and smoothed, and the slope of a linear regression
 * over the last {@value #WINDOW} points tells whether queues grow. The slope, scaled, is compared with
 * an adaptive threshold: above it for more than {@value #OVERUSE_MILLIS} ms is {@link Signal#OVERUSE},
 * below its negative is {@link Signal#UNDERUSE}. Allocation-free; media thread only.
 */
public final class TrendlineDetector {

    /** What the detector concludes about the path. */
    public enum Signal { NORMAL, OVERUSE, UNDERUSE }

    static final long BURST_MICROS = 5_000;
    static final int WINDOW = 20;
    static final double SMOOTHING = 0.9;
    static final double GAIN = 4;
    /** Deltas after which the trend counts fully (fewer scale it down). */
    static final int FULL_DELTAS = 60;
    static final double K_UP = 0.0087;
    static final double K_DOWN = 0.039;
    static final double INITIAL_THRESHOLD = 12.5;
    static final double MIN_THRESHOLD = 6;
    static final double MAX_THRESHOLD = 600;
    static final double OVERUSE_MILLIS = 10;

    private long groupFirstSend = -1;
    private long groupLastSend;
    private long groupLastArrival;
    private long previousSend = -1;
    private long previousArrival;
    private long firstArrival = -1;

    private final double[] xs = new double[WINDOW];
    private final double[] ys = new double[WINDOW];
    private int points;
    private int deltas;
    private double accumulated;
    private double smoothed;
    private double trend;
    private double previousTrend;

    private double threshold = INITIAL_THRESHOLD;
    private double lastThresholdMillis = -1;
    private double overusingMillis = -1;
    private int overuseCount;
    private Signal signal = Signal.NORMAL;

    /** A packet the feedback reports as received: when it was sent and arrived, in microseconds. */
    public void onPacket(long sendMicros, long arrivalMicros) {
        if (groupFirstSend < 0) {
            startGroup(sendMicros, arrivalMicros);
            return;
        }
        if (sendMicros < groupFirstSend) {
            return; // reordered behind a newer group
        }
        if (sendMicros - groupFirstSend <= BURST_MICROS) {
            groupLastSend = Math.max(groupLastSend, sendMicros);
            groupLastArrival = Math.max(groupLastArrival, arrivalMicros);
            return;
        }
        if (previousSend >= 0) {
            onGroupDelta(groupLastSend - previousSend, groupLastArrival - previousArrival, groupLastArrival);
        }
        previousSend = groupLastSend;
        previousArrival = groupLastArrival;
        startGroup(sendMicros, arrivalMicros);
    }

    private void startGroup(long sendMicros, long arrivalMicros) {
        groupFirstSend = sendMicros;
        groupLastSend = sendMicros;
        groupLastArrival = arrivalMicros;
    }

    private void onGroupDelta(long sendDelta, long arrivalDelta, long arrivalMicros) {
        double variationMillis = (arrivalDelta - sendDelta) / 1000.0;
        deltas = Math.min(deltas + 1, 1000);
        accumulated += variationMillis;
        smoothed = SMOOTHING * smoothed + (1 - SMOOTHING) * accumulated;
        if (firstArrival < 0) {
            firstArrival = arrivalMicros;
        }
        int i = points % WINDOW;
        xs[i] = (arrivalMicros - firstArrival) / 1000.0;
        ys[i] = smoothed;
        points++;
        if (points >= WINDOW) {
            trend = slope();
        }
        detect(Math.min(deltas, FULL_DELTAS) * trend * GAIN, sendDelta / 1000.0, arrivalMicros / 1000.0);
    }

    private double slope() {
        double xSum = 0;
        double ySum = 0;
        for (int i = 0; i < WINDOW; i++) {
            xSum += xs[i];
            ySum += ys[i];
        }
        double xMean = xSum / WINDOW;
        double yMean = ySum / WINDOW;
        double num = 0;
        double den = 0;
        for (int i = 0; i < WINDOW; i++) {
            double dx = xs[i] - xMean;
            num += dx * (ys[i] - yMean);
            den += dx * dx;
        }
        return den == 0 ? trend : num / den;
    }

    private void detect(double modified, double sendDeltaMillis, double nowMillis) {
        if (deltas < 2) {
            return;
        }
        if (modified > threshold) {
            overusingMillis = overusingMillis < 0 ? sendDeltaMillis / 2 : overusingMillis + sendDeltaMillis;
            overuseCount++;
            if (overusingMillis > OVERUSE_MILLIS && overuseCount > 1 && trend >= previousTrend) {
                overusingMillis = 0;
                overuseCount = 0;
                signal = Signal.OVERUSE;
            }
        } else if (modified < -threshold) {
            overusingMillis = -1;
            overuseCount = 0;
            signal = Signal.UNDERUSE;
        } else {
            overusingMillis = -1;
            overuseCount = 0;
            signal = Signal.NORMAL;
        }
        previousTrend = trend;
        adaptThreshold(modified, nowMillis);
    }

    /** draft-ietf-rmcat-gcc-02 section 5.4: the threshold follows the trend, faster down than up. */
    private void adaptThreshold(double modified, double nowMillis) {
        if (lastThresholdMillis < 0) {
            lastThresholdMillis = nowMillis;
        }
        double magnitude = Math.abs(modified);
        if (magnitude > threshold + 15) {
            lastThresholdMillis = nowMillis; // a spike: do not let it drag the threshold up
            return;
        }
        double k = magnitude < threshold ? K_DOWN : K_UP;
        double dt = Math.min(nowMillis - lastThresholdMillis, 100);
        threshold = Math.max(MIN_THRESHOLD, Math.min(MAX_THRESHOLD, threshold + k * (magnitude - threshold) * dt));
        lastThresholdMillis = nowMillis;
    }

    public Signal signal() {
        return signal;
    }

    /** The current scaled trend (ms of delay growth), for tests and logs. */
    public double trend() {
        return trend;
    }

    public double threshold() {
        return threshold;
    }
}
