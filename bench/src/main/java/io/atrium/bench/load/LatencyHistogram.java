package io.atrium.bench.load;

/**
 * One-way latencies in a fixed histogram: 10 µs buckets up to 10 ms, 1 ms buckets up to 1 s, then one
 * overflow bucket. Recording allocates nothing; not thread-safe (one per receive thread, merged after).
 */
public final class LatencyHistogram {
    private static final int FINE_BUCKETS = 1000;     // 0 .. 10 ms by 10 µs
    private static final int COARSE_BUCKETS = 990;    // 10 ms .. 1 s by 1 ms
    private static final long FINE_NANOS = 10_000;
    private static final long COARSE_NANOS = 1_000_000;
    private static final long FINE_LIMIT = FINE_BUCKETS * FINE_NANOS;

    private final long[] counts = new long[FINE_BUCKETS + COARSE_BUCKETS + 1];
    private long total;
    private long max;

    /** Records one latency; negative values (clock misuse) count as 0. */
    public void record(long nanos) {
        long v = Math.max(nanos, 0);
        int bucket;
        if (v < FINE_LIMIT) {
            bucket = (int) (v / FINE_NANOS);
        } else {
            bucket = (int) Math.min(FINE_BUCKETS + (v - FINE_LIMIT) / COARSE_NANOS, counts.length - 1);
        }
        counts[bucket]++;
        total++;
        max = Math.max(max, v);
    }

    /** Forgets every latency recorded. */
    public void clear() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    /** Adds another histogram's counts to this one. */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    /** Number of latencies recorded. */
    public long count() {
        return total;
    }

    /** Largest latency recorded, in nanoseconds. */
    public long maxNanos() {
        return max;
    }

    /**
     * The upper edge of the bucket holding the {@code q}-quantile (0 &lt; q &le; 1), in nanoseconds: an
     * overestimate by at most one bucket (10 µs below 10 ms). -1 when empty.
     */
    public long quantileNanos(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                if (i < FINE_BUCKETS) {
                    return (i + 1) * FINE_NANOS;
                }
                return i == counts.length - 1 ? max : FINE_LIMIT + (i - FINE_BUCKETS + 1) * COARSE_NANOS;
            }
        }
        return max;
    }
}
