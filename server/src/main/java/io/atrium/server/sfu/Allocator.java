package io.atrium.server.sfu;

/**
 * Shares a subscriber's estimated downlink rate among its video tracks (issue 16): tracks are served in
 * priority order (screen share, then the active speaker's camera, then larger tiles first). Each gets the
 * cheapest live layer that fits, in that order, or is suspended when even that does not fit; what is left
 * then raises each track, in the same order, toward the layer its tile size asks for. Hysteresis: a layer
 * above the one forwarded now must fit with {@link #UP_HEADROOM} to spare, and not within
 * {@link #HOLD_AFTER_DOWN_MILLIS} of a step down. Allocation-free; media thread only.
 */
final class Allocator {

    /** An upgrade needs its new rate times this to fit. */
    static final double UP_HEADROOM = 1.15;
    /** No upgrade this soon after a downgrade of the same track. */
    static final long HOLD_AFTER_DOWN_MILLIS = 4000;
    static final int MAX_LAYERS = 4;

    /** One video track of the subscriber: what the allocator reads, and its choice. */
    static final class Track {
        /** Higher first: {@link Receiver#PRIORITY_SCREEN}, {@link Receiver#PRIORITY_SPEAKER}, 0. */
        int priority;
        /** Rendered area in pixels; 0 means the best, ranked as the largest. */
        long area;
        /** Rate of each layer in bit/s, -1 for a layer not live. */
        final long[] rates = new long[MAX_LAYERS];
        int layers;
        /** The layer the tile size asks for, -1 when nothing can be forwarded. */
        int wanted = -1;
        /** The layer forwarded now, -1 before the first. */
        int current = -1;
        /** Output: the layer to forward, -1 for none. */
        int allowed = -1;
        /** Output: true when a wanted track got nothing because its cheapest layer does not fit. */
        boolean suspended;
        long lastDownMillis = Long.MIN_VALUE / 2;

        long rate(int layer) {
            return layer < 0 ? 0 : Math.max(0, rates[layer]);
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
     * Chooses {@link Track#allowed} for {@code tracks[0, n)} within {@code budget} bit/s; returns the rate
     * all tracks would need to get what they want (for probing).
     */
    long allocate(Track[] tracks, int n, long budget, long nowMillis) {
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
        long desired = 0;
        for (int k = 0; k < n; k++) {
            Track t = tracks[order[k]];
            t.allowed = -1;
            t.suspended = false;
            if (t.wanted < 0) {
                continue;
            }
            desired += t.rate(t.wanted);
            int low = cheapest(t);
            if (t.rate(low) <= remaining) {
                t.allowed = low;
                remaining -= t.rate(low);
            } else {
                t.suspended = true;
            }
        }
        for (int k = 0; k < n; k++) {
            Track t = tracks[order[k]];
            if (t.allowed < 0) {
                continue;
            }
            long ceiling = t.rate(t.wanted);
            boolean mayRise = nowMillis - t.lastDownMillis >= HOLD_AFTER_DOWN_MILLIS;
            for (int l = next(t, t.allowed, ceiling); l >= 0; l = next(t, l, ceiling)) {
                long extra = t.rate(l) - t.rate(t.allowed);
                boolean upgrade = t.current >= 0 && t.rate(l) > t.rate(t.current);
                long need = upgrade ? (long) (t.rate(l) * UP_HEADROOM) - t.rate(t.allowed) : extra;
                if ((upgrade && !mayRise) || need > remaining) {
                    break;
                }
                remaining -= extra;
                t.allowed = l;
            }
            if (t.current >= 0 && t.rate(t.allowed) < t.rate(t.current)) {
                t.lastDownMillis = nowMillis;
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

    private static boolean before(Track a, Track b) {
        if (a.priority != b.priority) {
            return a.priority > b.priority;
        }
        long areaA = a.area == 0 ? Long.MAX_VALUE : a.area;
        long areaB = b.area == 0 ? Long.MAX_VALUE : b.area;
        return areaA > areaB;
    }

    /** The live layer with the lowest rate (the wanted one if none is cheaper). */
    private static int cheapest(Track t) {
        int best = t.wanted;
        for (int l = 0; l < t.layers; l++) {
            if (t.rates[l] >= 0 && t.rates[l] < t.rate(best)) {
                best = l;
            }
        }
        return best;
    }

    /** The live layer with the next higher rate than {@code layer}'s, at most {@code ceiling}; -1 if none. */
    private static int next(Track t, int layer, long ceiling) {
        int best = -1;
        long floor = t.rate(layer);
        for (int l = 0; l < t.layers; l++) {
            long r = t.rates[l];
            if (l != layer && r >= 0 && r > floor && r <= ceiling && (best < 0 || r < t.rates[best])) {
                best = l;
            }
        }
        return best;
    }
}
