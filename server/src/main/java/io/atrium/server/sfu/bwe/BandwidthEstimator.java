package io.atrium.server.sfu.bwe;

import io.atrium.webrtc.rtcp.TransportCcFeedback;

/**
 * Send-side bandwidth estimate of the path from Atrium to one subscriber peer (draft-ietf-rmcat-gcc-02):
 * transport-cc feedback matched against the {@link SendHistory} feeds the {@link TrendlineDetector};
 * its signal drives an AIMD rate controller (section 5.5: increase 8 % a second, or about one packet
 * per response time near the link capacity seen at the last decrease; on overuse drop to 0.85 of the
 * rate the peer actually received; hold on underuse), capped at 1.5 times the received rate. A
 * loss-based controller (section 6) limits it: loss is measured over windows of at least
 * {@value #LOSS_PACKETS} packets and {@value #LOSS_WINDOW_MICROS} us (as a receiver report would; shorter
 * windows make random loss near 10 % look like more than 10 % half the time, and the estimate would ratchet down to
 * the floor); above 10 % loss the rate falls by half the loss, once per window; below 2 % the limit rises 8 % a
 * second. A client without transport-cc may send REMB instead, which then
 * sets the estimate. A probe ({@link #probeGoal}) lets the estimate (and the loss-based limit) jump to what the peer
 * received while Atrium padded up to a higher rate, when no overuse was seen meanwhile; one that carried its whole goal
 * may be followed by the next at once. The wait after a failed probe doubles while the path keeps showing congestion
 * (overuse, or loss of 2 % or more) and starts again from its minimum once loss and delay were clean for
 * {@value #CLEAN_MICROS} us, when what the tracks want rises ({@link #demandRose}), or after a success; while a video
 * track is suspended it never exceeds {@value #SUSPENDED_PROBE_BACKOFF_MICROS} us. When the peer, which has sent
 * transport-cc feedback before, goes silent while Atrium sends it packets with transport-wide sequence numbers
 * ({@link #onSent}), the path is taken to be congested ({@link #checkSilence}): once a packet has waited
 * {@value #SILENCE_MICROS} us + RTT with no feedback the estimate halves, and again after each further such wait, never
 * below the minimum; the next feedback hands it back to the controllers above. Allocation-free; media thread only.
 */
public final class BandwidthEstimator {

    /** Bounds and start of an estimator, bits per second. */
    public record Limits(long initialBps, long minBps, long maxBps) {
        /** The defaults of {@code rtc.bwe}. */
        public static final Limits DEFAULT = of(new io.atrium.server.config.AtriumConfig.Bwe(null, null, null));

        /** The bounds configured under {@code rtc.bwe}. */
        public static Limits of(io.atrium.server.config.AtriumConfig.Bwe bwe) {
            return new Limits(bwe.initialKbps() * 1000L, bwe.minKbps() * 1000L, bwe.maxKbps() * 1000L);
        }
    }

    static final double BETA = 0.85;
    static final double INCREASE_PER_SECOND = 1.08;
    static final long ACKED_WINDOW_MICROS = 500_000;
    static final int LOSS_PACKETS = 40;
    static final long LOSS_WINDOW_MICROS = 1_000_000;
    static final long DECREASE_INTERVAL_MICROS = 200_000;
    static final long REMB_VALID_MICROS = 2_000_000;
    static final long PROBE_MICROS = 1_000_000;
    /** Wait after a probe before the next; doubles after each that failed, up to the maximum. */
    static final long MIN_PROBE_BACKOFF_MICROS = 2_000_000;
    static final long MAX_PROBE_BACKOFF_MICROS = 16_000_000;
    /** The wait after a probe never exceeds this while a video track is suspended (no picture until a probe lifts it). */
    static final long SUSPENDED_PROBE_BACKOFF_MICROS = 4_000_000;
    /** After this long without overuse or loss of 2 % or more (and without a probe), the wait is back at its minimum. */
    static final long CLEAN_MICROS = 10_000_000;
    /** No probe this soon after an overuse. */
    static final long OVERUSE_HOLD_MICROS = 5_000_000;
    /** A probe whose peer received at least this share of its goal carried it: the next may follow at once. */
    static final double PROBE_CARRIED = 0.9;
    static final int PACKET_BITS = 1200 * 8;
    /**
     * Silence, beyond one RTT, after which a packet Atrium sent without feedback since means congestion: Chromium
     * sends feedback every 50-100 ms (up to 250 ms at low rates), so this is two of its longest intervals.
     */
    static final long SILENCE_MICROS = 500_000;
    /** Each silence of {@link #SILENCE_MICROS} + RTT multiplies the estimate by this. */
    static final double SILENCE_DECREASE = 0.5;
    /**
     * A silence check this long after the previous one only notes the time: the media thread itself was held up, and
     * the feedback may still wait unread in its socket (the checks come every 20 ms).
     */
    static final long LATE_CHECK_MICROS = 100_000;

    private final Limits limits;
    private final TrendlineDetector detector = new TrendlineDetector();
    private long estimate;
    private double delayBased;
    private double lossLimit;
    private long lastUpdateMicros = -1;
    private long lastDecreaseMicros = Long.MIN_VALUE / 2;
    private long lastOveruseMicros = Long.MIN_VALUE / 2;
    private int rttMillis = 100;
    // link capacity at decreases: mean and variance of the received rate, -1 unknown (section 5.5)
    private double capacityMean = -1;
    private double capacityVar = 0.4;
    // received rate over windows of arrival time
    private long ackedWindowStart = -1;
    private long ackedBytes;
    private long ackedBps = -1;
    // loss since lossWindowStart (at least LOSS_PACKETS reported packets and LOSS_WINDOW_MICROS)
    private long lossWindowStart = -1;
    private int lostCount;
    private int receivedCount;
    private double lossFraction;
    // reference time unwrapping
    private long referenceBase;
    private int lastReference = Integer.MIN_VALUE;
    private long lastFeedbackMicros = Long.MIN_VALUE / 2;
    private long rembBps = -1;
    private long probeGoal;
    private long probeStartMicros = -1;
    private long lastProbeEndMicros = Long.MIN_VALUE / 2;
    private long probeBackoffMicros = MIN_PROBE_BACKOFF_MICROS;
    /** Last overuse or loss window of 2 % or more: the clean time that resets the wait counts from it. */
    private long lastTroubleMicros = Long.MIN_VALUE / 2;
    private long feedbacks;
    /** The first packet sent after the last feedback (-1: none since); the silence counts from it. */
    private long firstUnansweredMicros = -1;
    private long lastSilenceStepMicros = Long.MIN_VALUE / 2;
    private long lastSilenceCheckMicros = Long.MIN_VALUE / 2;

    public BandwidthEstimator(Limits limits) {
        this.limits = limits;
        this.estimate = limits.initialBps();
        this.delayBased = limits.initialBps();
        this.lossLimit = limits.maxBps();
    }

    /** The estimate in bits per second. */
    public long estimate() {
        return estimate;
    }

    /** Whether any transport-cc feedback or REMB came from the peer (before that there is no estimate). */
    public boolean hasEstimate() {
        return feedbacks > 0 || rembBps >= 0;
    }

    /** Rate the peer received, from the feedback, in bits per second; -1 before a window completed. */
    public long ackedBps() {
        return ackedBps;
    }

    public double lossFraction() {
        return lossFraction;
    }

    public TrendlineDetector.Signal signal() {
        return detector.signal();
    }

    /** Transport-cc feedback messages used so far. */
    public long feedbacks() {
        return feedbacks;
    }

    /** Round-trip time from the peer's receiver reports, for the additive increase. */
    public void rtt(int millis) {
        if (millis >= 0) {
            rttMillis = millis;
        }
    }

    /** Reads one transport-cc feedback message (already {@link TransportCcFeedback#wrap wrapped}). */
    public void onFeedback(TransportCcFeedback fb, SendHistory history, long nowMicros) {
        long arrival = unwrapReference(fb.referenceTime()) * TransportCcFeedback.REFERENCE_TIME_MICROS;
        fb.rewind();
        while (fb.nextPacket()) {
            int slot = history.slot(fb.sequenceNumber());
            if (fb.received()) {
                arrival += fb.deltaMicros();
                if (slot >= 0 && history.markReceived(slot)) {
                    receivedCount++;
                    detector.onPacket(history.sendMicros(slot), arrival);
                    acked(arrival, history.size(slot));
                }
            } else if (slot >= 0 && history.markLost(slot)) {
                lostCount++;
            }
        }
        feedbacks++;
        lastFeedbackMicros = nowMicros;
        firstUnansweredMicros = -1;
        update(nowMicros);
    }

    /** Atrium sent the peer a packet with a transport-wide sequence number, one its feedback should report. */
    public void onSent(long nowMicros) {
        if (firstUnansweredMicros < 0) {
            firstUnansweredMicros = nowMicros;
        }
    }

    /**
     * Called every 20 ms: when the peer has sent transport-cc feedback before but none for {@value #SILENCE_MICROS} us
     * + RTT since a packet was sent to it (it cannot report one sooner than a round trip after it left), and again
     * after each further such wait, the path is taken to be congested (a stalled link, or one whose feedback is
     * lost): the estimate halves (never below the minimum), a running probe ends as failed, and a step that lowered
     * the estimate holds probes off as an overuse does (once at the floor no longer, so that a probe's padding may get
     * the reply that other packets did not). A peer without transport-cc (REMB or nothing) is never silent, nor one
     * Atrium sends nothing. True when the estimate was lowered.
     */
    public boolean checkSilence(long nowMicros) {
        boolean late = nowMicros - lastSilenceCheckMicros > LATE_CHECK_MICROS;
        lastSilenceCheckMicros = nowMicros;
        if (late || feedbacks == 0 || firstUnansweredMicros < 0
                || nowMicros - Math.max(firstUnansweredMicros, lastSilenceStepMicros) < SILENCE_MICROS + rttMillis * 1000L) {
            return false;
        }
        lastSilenceStepMicros = nowMicros;
        lastTroubleMicros = nowMicros;
        lastUpdateMicros = nowMicros; // the silence is no time of normal signal for the increase that follows
        if (probeStartMicros >= 0) {
            endProbe(nowMicros, false, false);
        }
        long before = estimate;
        delayBased = Math.max(limits.minBps(), SILENCE_DECREASE * estimate);
        estimate = clamp((long) Math.min(delayBased, lossLimit));
        if (estimate == before) {
            return false; // at the floor: no more probe hold, so a probe's padding may yet get a reply
        }
        lastOveruseMicros = nowMicros; // no probe into the silence for OVERUSE_HOLD_MICROS
        return true;
    }

    /** A REMB from the peer: used while no transport-cc feedback arrives. */
    public void onRemb(long bps, long nowMicros) {
        rembBps = bps;
        if (nowMicros - lastFeedbackMicros > REMB_VALID_MICROS) {
            estimate = clamp(bps);
            delayBased = estimate;
        }
    }

    /**
     * Starts a probe toward {@code goalBps} (the caller pads its sending up to it for {@value #PROBE_MICROS} us); false
     * while one runs, within {@value #OVERUSE_HOLD_MICROS} us of an overuse, or before the wait after the last probe is
     * over (at most {@value #SUSPENDED_PROBE_BACKOFF_MICROS} us when {@code suspended}: a video track gets nothing).
     */
    public boolean startProbe(long goalBps, boolean suspended, long nowMicros) {
        if (probeStartMicros >= 0 || nowMicros - lastOveruseMicros < OVERUSE_HOLD_MICROS
                || nowMicros < nextProbeMicros(suspended) || goalBps <= estimate) {
            return false;
        }
        probeGoal = Math.min(goalBps, limits.maxBps());
        probeStartMicros = nowMicros;
        return true;
    }

    /**
     * What the tracks want rose (a new subscription, a larger tile, a track that resumed): earlier failed probes asked
     * less, so the wait starts again from its minimum (a probe that carried its goal keeps its "at once").
     */
    public void demandRose() {
        probeBackoffMicros = Math.min(probeBackoffMicros, MIN_PROBE_BACKOFF_MICROS);
    }

    /** The wait after the last probe before the next may start (without a suspended track). */
    long probeBackoffMicros() {
        return probeBackoffMicros;
    }

    /** The earliest time the next probe may start (overuse may hold it off longer). */
    long nextProbeMicros(boolean suspended) {
        return lastProbeEndMicros + (suspended ? Math.min(SUSPENDED_PROBE_BACKOFF_MICROS, probeBackoffMicros) : probeBackoffMicros);
    }

    /** The rate to pad up to now, or 0 without a probe. */
    public long probeGoal() {
        return probeStartMicros >= 0 ? probeGoal : 0;
    }

    private void acked(long arrivalMicros, int size) {
        if (ackedWindowStart < 0 || arrivalMicros < ackedWindowStart) {
            ackedWindowStart = arrivalMicros;
            ackedBytes = 0;
        }
        ackedBytes += size;
        long span = arrivalMicros - ackedWindowStart;
        if (span >= ACKED_WINDOW_MICROS) {
            ackedBps = ackedBytes * 8_000_000 / span;
            ackedWindowStart = arrivalMicros;
            ackedBytes = 0;
        }
    }

    private long unwrapReference(int reference) {
        if (lastReference != Integer.MIN_VALUE) {
            int diff = reference - lastReference;
            if (diff < -(1 << 23)) {
                referenceBase += 1 << 24;
            } else if (diff > 1 << 23) {
                referenceBase -= 1 << 24;
            }
        }
        lastReference = reference;
        return referenceBase + reference;
    }

    private void update(long nowMicros) {
        double dt = lastUpdateMicros < 0 ? 0 : Math.min(1.0, (nowMicros - lastUpdateMicros) / 1e6);
        lastUpdateMicros = nowMicros;
        switch (detector.signal()) {
            case OVERUSE -> decrease(nowMicros);
            case NORMAL -> increase(dt);
            case UNDERUSE -> { } // hold: queues drain
        }
        updateLoss(dt, nowMicros);
        if (probeStartMicros >= 0 && lastOveruseMicros >= probeStartMicros) {
            endProbe(nowMicros, false, false); // the path does not carry it: stop padding at once
        } else if (probeStartMicros >= 0 && nowMicros - probeStartMicros >= PROBE_MICROS) {
            // more arrived than the estimate (the lower of the delay- and the loss-based one) without overuse: the path
            // carries it, and both rise to it (a loss-limited estimate, whose delay-based part is higher, rises too)
            boolean success = ackedBps > estimate;
            if (success) {
                long carried = Math.min(ackedBps, probeGoal);
                delayBased = Math.max(delayBased, carried);
                lossLimit = Math.max(lossLimit, carried);
            }
            endProbe(nowMicros, success, ackedBps >= PROBE_CARRIED * probeGoal);
        } else if (probeStartMicros < 0
                && nowMicros - Math.max(lastTroubleMicros, lastProbeEndMicros) >= CLEAN_MICROS) {
            probeBackoffMicros = Math.min(probeBackoffMicros, MIN_PROBE_BACKOFF_MICROS); // a transient is over
        }
        estimate = clamp((long) Math.min(delayBased, lossLimit));
    }

    /**
     * A probe ended: after a success the next waits the minimum, or nothing when the peer received (nearly) the whole
     * goal (there may be more: probe further, as libwebrtc's probe controller does); after a failure the wait doubles.
     */
    private void endProbe(long nowMicros, boolean success, boolean carriedGoal) {
        probeStartMicros = -1;
        lastProbeEndMicros = nowMicros;
        probeBackoffMicros = !success ? Math.min(MAX_PROBE_BACKOFF_MICROS, Math.max(MIN_PROBE_BACKOFF_MICROS, probeBackoffMicros) * 2)
                : carriedGoal ? 0 : MIN_PROBE_BACKOFF_MICROS;
    }

    private void decrease(long nowMicros) {
        lastOveruseMicros = nowMicros;
        lastTroubleMicros = nowMicros;
        if (nowMicros - lastDecreaseMicros < DECREASE_INTERVAL_MICROS + rttMillis * 1000L) {
            return;
        }
        lastDecreaseMicros = nowMicros;
        double base = ackedBps > 0 ? ackedBps : delayBased;
        delayBased = Math.min(delayBased, BETA * base);
        if (ackedBps > 0) {
            if (capacityMean < 0) {
                capacityMean = ackedBps;
            } else {
                double norm = Math.max(capacityMean, 1);
                double error = capacityMean - ackedBps;
                capacityVar = Math.max(0.4, Math.min(2.5, 0.95 * capacityVar + 0.05 * error * error / norm / 1000));
                capacityMean = 0.95 * capacityMean + 0.05 * ackedBps;
            }
        }
    }

    private void increase(double dt) {
        double next;
        double std = Math.sqrt(capacityVar * Math.max(capacityMean, 1) * 1000);
        if (capacityMean > 0 && delayBased > capacityMean + 3 * std) {
            capacityMean = -1; // the link changed: forget it
        }
        if (capacityMean > 0 && delayBased > capacityMean - 3 * std) {
            double responseSeconds = (rttMillis + 100) / 1000.0;
            next = delayBased + Math.max(1000 * dt, PACKET_BITS / responseSeconds * dt);
        } else {
            next = delayBased * Math.pow(INCREASE_PER_SECOND, dt) + 1000 * dt;
        }
        if (ackedBps > 0) {
            next = Math.min(next, Math.max(delayBased, 1.5 * ackedBps + 10_000));
        }
        delayBased = Math.min(next, limits.maxBps());
    }

    private void updateLoss(double dt, long nowMicros) {
        int reported = lostCount + receivedCount;
        if (lossWindowStart < 0) {
            lossWindowStart = nowMicros;
        }
        if (reported < LOSS_PACKETS || nowMicros - lossWindowStart < LOSS_WINDOW_MICROS) {
            if (lossFraction < 0.02) {
                lossLimit = Math.min(limits.maxBps(), lossLimit * Math.pow(INCREASE_PER_SECOND, dt));
            }
            return;
        }
        lossFraction = (double) lostCount / reported;
        lossWindowStart = nowMicros;
        if (lossFraction >= 0.02) {
            lastTroubleMicros = nowMicros;
        }
        lostCount = 0;
        receivedCount = 0;
        if (lossFraction > 0.10) {
            lossLimit = Math.min(lossLimit, estimate) * (1 - 0.5 * lossFraction);
        } else if (lossFraction < 0.02) {
            lossLimit = Math.min(limits.maxBps(), Math.max(lossLimit, estimate) * Math.pow(INCREASE_PER_SECOND, dt));
        }
    }

    private long clamp(long bps) {
        return Math.max(limits.minBps(), Math.min(limits.maxBps(), bps));
    }
}
