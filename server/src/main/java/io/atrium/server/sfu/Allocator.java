package io.atrium.server.sfu;

/**
 * Shares a subscriber's estimated downlink rate among its video tracks (issue 16): tracks are served in
 * priority order (screen share, then the active speaker's camera, then larger tiles first). Each track's choices
 * form a ladder of (spatial layer, temporal layers) steps, cheapest first, up to the layer its tile size asks for at
 * its full frame rate ({@link #ladder}: the one rule for spatial against temporal). Each track gets the bottom step
 * that fits, in that order, or is suspended when even that does not fit — except a screen share, which keeps its
 * bottom step over the estimate's budget as long as that fits the subscriber's own receive cap: the estimate of a
 * loaded receiver reads its jittery arrival times as congestion, and a suspended share could only come back at a
 * keyframe, whose burst makes its rate look higher still (a share, all the meeting looks at, was suspended for a
 * minute so). What is left then raises each track, in the same order, up its ladder. Hysteresis: a step above the
 * one forwarded now (a better picture, {@link #better}, or a dearer one) must fit with {@link #UP_HEADROOM} to
 * spare, and not within {@link #HOLD_AFTER_DOWN_MILLIS} of a step down the budget made (not a smaller tile's).
 * Allocation-free; media thread only.
 */
final class Allocator {

    /** An upgrade needs its new rate times this to fit. */
    static final double UP_HEADROOM = 1.15;
    /** No upgrade this soon after a downgrade of the same track. */
    static final long HOLD_AFTER_DOWN_MILLIS = 4000;
    static final int MAX_LAYERS = 4;
    static final int MAX_TEMPORAL = Layer.MAX_TEMPORAL;
    /** Every temporal layer this one may be given: no temporal limit. */
    static final int ALL_TEMPORAL = MAX_TEMPORAL - 1;

    /** One video track of the subscriber: what the allocator reads, and its choice. */
    static final class Track {
        /** Higher first: {@link Receiver#PRIORITY_SCREEN}, {@link Receiver#PRIORITY_SPEAKER}, 0. */
        int priority;
        /** Rendered area in pixels; 0 means the best, ranked as the largest. */
        long area;
        /** Rate of each layer in bit/s (all its temporal layers), -1 for a layer not live. */
        final long[] rates = new long[MAX_LAYERS];
        /** Width of each layer in pixels, 0 while unknown: which of two layers is the better picture. */
        final int[] widths = new int[MAX_LAYERS];
        /** Temporal layers of each layer (0 or 1: none), and the rate of TL0 to TLt of each, bit/s, below the top. */
        final int[] temporalLayers = new int[MAX_LAYERS];
        final long[][] temporalRates = new long[MAX_LAYERS][MAX_TEMPORAL];
        /** Keep the resolution and give up frame rate first (a screen share: text stays legible). */
        boolean resolutionFirst;
        int layers;
        /** The layer the tile size asks for, -1 when nothing can be forwarded. */
        int wanted = -1;
        /** The layer forwarded now, -1 before the first, and its highest temporal layer forwarded. */
        int current = -1;
        int currentTemporal = ALL_TEMPORAL;
        /** Output: the layer to forward, -1 for none, and its highest temporal layer to forward. */
        int allowed = -1;
        int allowedTemporal = ALL_TEMPORAL;
        /** Output: true when a wanted track got nothing because its cheapest layer does not fit. */
        boolean suspended;
        /** Output: true when a screen share got its cheapest step though it does not fit the budget. */
        boolean overBudget;
        long lastDownMillis = Long.MIN_VALUE / 2;

        /** The ladder: step i is layer {@code steps[i] / MAX_TEMPORAL}, temporal layer {@code steps[i] % MAX_TEMPORAL}. */
        private final int[] steps = new int[MAX_LAYERS * MAX_TEMPORAL];
        private int stepCount;

        long rate(int layer) {
            return layer < 0 ? 0 : Math.max(0, rates[layer]);
        }

        /** Temporal layers of {@code layer}, at least 1. */
        int temporal(int layer) {
            return Math.max(1, Math.min(MAX_TEMPORAL, temporalLayers[layer]));
        }

        /** Rate of {@code layer} with its temporal layers up to {@code temporal}. */
        long rate(int layer, int temporal) {
            if (layer < 0) {
                return 0;
            }
            return temporal >= temporal(layer) - 1 ? rate(layer) : Math.max(0, temporalRates[layer][temporal]);
        }

        private long stepRate(int i) {
            return rate(steps[i] / MAX_TEMPORAL, steps[i] % MAX_TEMPORAL);
        }
    }

    /**
     * Dynacast: which layers of one published track its publisher should encode. A layer is needed when some
     * subscriber's allocation gives it, a forwarder still forwards it (until its switch), or the recorder taps it;
     * every layer up to the widest needed one is kept (lower layers stay as a fallback for a falling estimate), and
     * the narrowest always (nobody subscribed: the track stays live). A layer above is paused once it was unneeded
     * for {@code pauseAfterMillis} on end (so a tile that shrinks and grows again, or a speaker switch, does not
     * flap it); a paused layer that is needed again resumes at once. A layer of unknown width is never paused.
     * Media thread only.
     */
    static final class Upstream {
        /** Whether the publisher should encode each layer: what it was last told (all true at first). */
        final boolean[] active = new boolean[MAX_LAYERS];
        private final long[] unneededSince = new long[MAX_LAYERS];

        Upstream() {
            reset();
        }

        /** Back to "everything encoded" (a new publisher connection or a client that starts afresh). */
        void reset() {
            java.util.Arrays.fill(active, true);
            java.util.Arrays.fill(unneededSince, -1);
        }

        /**
         * Updates {@link #active} for layers {@code [0, n)} of widths {@code widths} (0: unknown), with bit l of
         * {@code needed} set for each needed layer; true when it changed (tell the publisher).
         */
        boolean update(int[] widths, int n, int needed, long pauseAfterMillis, long nowMillis) {
            int narrowest = Integer.MAX_VALUE;
            int top = 0;
            for (int l = 0; l < n; l++) {
                if (widths[l] > 0) {
                    narrowest = Math.min(narrowest, widths[l]);
                }
                if ((needed & 1 << l) != 0) {
                    top = Math.max(top, widths[l] > 0 ? widths[l] : Integer.MAX_VALUE);
                }
            }
            top = Math.max(top, narrowest == Integer.MAX_VALUE ? 0 : narrowest);
            boolean changed = false;
            for (int l = 0; l < n; l++) {
                if (widths[l] == 0 || widths[l] <= top) {
                    unneededSince[l] = -1;
                    changed |= !active[l];
                    active[l] = true;
                } else {
                    if (unneededSince[l] < 0) {
                        unneededSince[l] = nowMillis;
                    }
                    if (active[l] && nowMillis - unneededSince[l] >= pauseAfterMillis) {
                        active[l] = false;
                        changed = true;
                    }
                }
            }
            return changed;
        }
    }

    private int[] order = new int[8];

    /**
     * Chooses {@link Track#allowed} for {@code tracks[0, n)} within {@code budget} bit/s, of which a screen share's
     * bottom step may go over up to {@code capBudget} (the subscriber's own receive cap less its audio;
     * {@link Long#MAX_VALUE} without one); returns the rate all tracks would need to get what they want (for probing).
     */
    long allocate(Track[] tracks, int n, long budget, long capBudget, long nowMillis) {
        if (order.length < n) {
            order = new int[Math.max(n, order.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            int j = i;
            while (j > 0 && before(tracks[i], tracks[order[j - 1]])) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        long remaining = budget;
        long capLeft = capBudget;
        long desired = 0;
        for (int k = 0; k < n; k++) {
            Track t = tracks[order[k]];
            t.allowed = -1;
            t.allowedTemporal = ALL_TEMPORAL;
            t.suspended = false;
            t.overBudget = false;
            if (t.wanted < 0) {
                continue;
            }
            desired += t.rate(t.wanted);
            ladder(t);
            long bottom = t.stepRate(0);
            if (bottom <= remaining) {
                choose(t, 0);
                remaining -= bottom;
                capLeft -= bottom;
            } else if (t.priority == Receiver.PRIORITY_SCREEN && bottom <= capLeft) {
                choose(t, 0); // kept over the estimate; the tracks after it get what fits of nothing
                t.overBudget = true;
                remaining = 0;
                capLeft -= bottom;
            } else {
                t.suspended = true;
            }
        }
        for (int k = 0; k < n; k++) {
            Track t = tracks[order[k]];
            if (t.allowed < 0) {
                continue;
            }
            boolean mayRise = nowMillis - t.lastDownMillis >= HOLD_AFTER_DOWN_MILLIS;
            long currentRate = t.current < 0 ? -1 : t.rate(t.current, t.currentTemporal);
            int at = 0;
            for (int i = 1; i < t.stepCount; i++) {
                long extra = t.stepRate(i) - t.stepRate(at);
                int layer = t.steps[i] / MAX_TEMPORAL;
                int temporal = t.steps[i] % MAX_TEMPORAL;
                boolean upgrade = currentRate >= 0
                        && (t.stepRate(i) > currentRate || better(t, layer, temporal, t.current, t.currentTemporal));
                long need = upgrade ? (long) (t.stepRate(i) * UP_HEADROOM) - t.stepRate(at) : extra;
                if ((upgrade && !mayRise) || need > remaining) {
                    break;
                }
                remaining -= extra;
                at = i;
            }
            choose(t, at);
            if (currentRate >= 0 && better(t, t.current, t.currentTemporal, t.allowed, t.allowedTemporal)
                    && !better(t, t.current, t.currentTemporal, t.wanted, ALL_TEMPORAL)) {
                t.lastDownMillis = nowMillis; // the budget took it down (a smaller tile does not hold a later rise)
            }
        }
        for (int k = 0; k < n; k++) {
            Track t = tracks[order[k]];
            if (t.allowed < 0 && t.current >= 0) {
                t.lastDownMillis = nowMillis;
            }
        }
        return desired;
    }

    /**
     * Whether {@code layer} up to temporal layer {@code temporal} is a better picture of {@code t} than {@code than} up
     * to {@code thanTemporal}: more temporal layers of the same layer, or a wider layer (widths unknown: a dearer one).
     * Measured rates alone do not say it: a keyframe on the layer a track just stepped down to makes it briefly
     * dearer than the top layer at a lower frame rate, and that step must still wait out the hold.
     */
    static boolean better(Track t, int layer, int temporal, int than, int thanTemporal) {
        if (layer == than) {
            int top = t.temporal(layer) - 1;
            return Math.min(temporal, top) > Math.min(thanTemporal, top);
        }
        return t.widths[layer] > 0 && t.widths[than] > 0 ? t.widths[layer] > t.widths[than] : t.rate(layer) > t.rate(than);
    }

    private static void choose(Track t, int step) {
        t.allowed = t.steps[step] / MAX_TEMPORAL;
        int temporal = t.steps[step] % MAX_TEMPORAL;
        t.allowedTemporal = temporal >= t.temporal(t.allowed) - 1 ? ALL_TEMPORAL : temporal;
    }

    /**
     * The one rule for spatial against temporal layers: builds {@code t}'s ladder, cheapest step first, from the
     * live layers no dearer than the wanted one. A camera keeps its frame rate: on each layer above the cheapest it
     * may lose only its top temporal layer (half the frame rate in the dyadic L1T2/L1T3 structures Chrome sends), and
     * below that it steps down a layer instead; the cheapest layer goes down to TL0 before the track is suspended
     * (a face at 360p and 15 frames/s reads better than at 720p and 7.5). A screen share ({@link Track#resolutionFirst})
     * keeps its resolution: every temporal layer of a layer comes before the layer below (text must stay legible,
     * slides hardly move). Steps dearer than a better one are left out, so rates rise along the ladder.
     */
    static void ladder(Track t) {
        t.stepCount = 0;
        long ceiling = t.rate(t.wanted);
        long floor = -1;
        while (true) { // layers by rising rate as far as the wanted one's (of equal rates, the wanted one)
            int l = -1;
            for (int c = 0; c < t.layers; c++) {
                long r = t.rates[c];
                if (r > floor && r <= ceiling && (l < 0 || r < t.rates[l] || r == t.rates[l] && c == t.wanted)) {
                    l = c;
                }
            }
            if (l < 0) {
                break;
            }
            int top = t.temporal(l) - 1;
            int from = t.resolutionFirst || t.stepCount == 0 ? 0 : Math.max(0, top - 1);
            for (int tt = from; tt <= top; tt++) {
                t.steps[t.stepCount++] = l * MAX_TEMPORAL + tt;
            }
            floor = t.rates[l];
        }
        if (t.stepCount == 0) {
            t.steps[t.stepCount++] = t.wanted * MAX_TEMPORAL + t.temporal(t.wanted) - 1;
        }
        int kept = t.stepCount;
        long cheapestAbove = Long.MAX_VALUE;
        for (int i = t.stepCount - 1; i >= 0; i--) { // keep only steps cheaper than every better one
            long r = t.stepRate(i);
            if (r < cheapestAbove) {
                cheapestAbove = r;
                t.steps[--kept] = t.steps[i];
            }
        }
        System.arraycopy(t.steps, kept, t.steps, 0, t.stepCount - kept);
        t.stepCount -= kept;
    }

    private static boolean before(Track a, Track b) {
        if (a.priority != b.priority) {
            return a.priority > b.priority;
        }
        long areaA = a.area == 0 ? Long.MAX_VALUE : a.area;
        long areaB = b.area == 0 ? Long.MAX_VALUE : b.area;
        return areaA > areaB;
    }
}
