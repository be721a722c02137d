package io.atrium.server.sfu;

/**
 * Sequence numbers missing from a publisher's stream, to be asked for again with generic NACKs
 * (RFC 4585 §6.2.1). A gap adds entries; an arrival (late or retransmitted) removes one; each entry
 * is asked for at most {@link #MAX_RETRIES} times, {@link #RETRY_MILLIS} apart, and forgotten when
 * older than {@link #MAX_AGE} sequence numbers. At most {@link #CAPACITY} entries: beyond that the oldest is
 * forgotten. Bounded and allocation-free. Media thread only.
 */
final class NackTracker {

    static final int CAPACITY = 256;
    static final int MAX_RETRIES = 5;
    static final long RETRY_MILLIS = 40;
    static final int MAX_AGE = 1000;
    /** A gap wider than this is a stream restart, not loss. */
    static final int MAX_GAP = 200;

    private final long[] seqs = new long[CAPACITY];
    private final long[] lastAsked = new long[CAPACITY];
    private final int[] retries = new int[CAPACITY];
    private int size;
    private long nacked;

    /** Called with the extended sequence number of every new packet and the previous highest. */
    void onPacket(long seq, long previousHighest, long nowMillis) {
        if (previousHighest < 0) {
            return;
        }
        if (seq <= previousHighest) {
            remove(seq);
            return;
        }
        long gap = seq - previousHighest - 1;
        if (gap > MAX_GAP) {
            size = 0;
            return;
        }
        for (long s = previousHighest + 1; s < seq; s++) {
            if (size == CAPACITY) {
                drop(oldest());
            }
            seqs[size] = s;
            lastAsked[size] = nowMillis - RETRY_MILLIS;
            retries[size] = 0;
            size++;
        }
    }

    /**
     * Fills {@code out} with the 16-bit sequence numbers due for a NACK now and returns how many.
     * Entries that are too old or asked too often are dropped.
     */
    int due(long highest, long nowMillis, int[] out) {
        int n = 0;
        for (int i = 0; i < size; ) {
            if (highest - seqs[i] > MAX_AGE || retries[i] >= MAX_RETRIES) {
                drop(i);
                continue;
            }
            if (nowMillis - lastAsked[i] >= RETRY_MILLIS && n < out.length) {
                out[n++] = (int) (seqs[i] & 0xFFFF);
                lastAsked[i] = nowMillis;
                retries[i]++;
                nacked++;
            }
            i++;
        }
        return n;
    }

    int missing() {
        return size;
    }

    long nacked() {
        return nacked;
    }

    /** The slot of the lowest sequence number: when full, the oldest loss is the one given up. */
    private int oldest() {
        int oldest = 0;
        for (int i = 1; i < size; i++) {
            if (seqs[i] < seqs[oldest]) {
                oldest = i;
            }
        }
        return oldest;
    }

    private void remove(long seq) {
        for (int i = 0; i < size; i++) {
            if (seqs[i] == seq) {
                drop(i);
                return;
            }
        }
    }

    private void drop(int i) {
        size--;
        seqs[i] = seqs[size];
        lastAsked[i] = lastAsked[size];
        retries[i] = retries[size];
    }
}
