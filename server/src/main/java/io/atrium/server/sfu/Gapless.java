package io.atrium.server.sfu;

/**
 * Maps an increasing input counter (a layer's extended RTP sequence number, or a VP8 picture id) to an output
 * counter without gaps where inputs are dropped on purpose (frames of a temporal layer the subscriber does not get):
 * {@code out(in) = in + offset + (drops after in)}, where the offset falls by one at each drop. Only the drops are
 * remembered (the last {@link #CAPACITY}, in a ring allocated at the first drop), so a stream that never drops costs
 * nothing, and a late or retransmitted input maps to the value it had (its place among the drops), never to the
 * next free one. An input that arrives late for a gap left by a lost packet keeps that gap's value; one older than
 * the remembered drops, or before {@link #reset}, is refused. Media thread only.
 */
final class Gapless {

    /** Drops remembered: at 30 frames/s with 40 % of the packets dropped, a few seconds of history. */
    static final int CAPACITY = 512;

    private long[] drops;
    /** Drops since the reset; the last {@link #CAPACITY} are in the ring. */
    private long dropCount;
    private long start = Long.MAX_VALUE;
    private long highestIn = -1;
    private long highestOut = -1;
    private long offset;

    /** From now on {@code firstIn} maps to {@code firstOut}; every input before {@code firstIn} is refused. */
    void reset(long firstIn, long firstOut) {
        start = firstIn;
        highestIn = firstIn - 1;
        highestOut = firstOut - 1;
        offset = firstOut - firstIn;
        dropCount = 0;
    }

    boolean started() {
        return start != Long.MAX_VALUE;
    }

    /** The highest output given so far (-1 before any). */
    long highestOut() {
        return highestOut;
    }

    long highestIn() {
        return highestIn;
    }

    /**
     * Unwraps a counter of {@code modulus} values to the extended input nearest the highest one seen; the raw value
     * before the first input.
     */
    long unwrap(int value, int modulus) {
        if (highestIn < 0) {
            return value;
        }
        long delta = Math.floorMod(value - highestIn, (long) modulus);
        return delta < modulus / 2 ? highestIn + delta : highestIn + delta - modulus;
    }

    /**
     * The output for {@code in}, or -1 when it is dropped now ({@code drop}: a new input is counted as a drop, an old
     * one leaves its value unused), was dropped before, or is refused.
     */
    long map(long in, boolean drop) {
        if (in < start) {
            return -1;
        }
        if (in > highestIn) {
            highestIn = in;
            if (drop) {
                remember(in);
                offset--;
                return -1;
            }
            highestOut = in + offset;
            return highestOut;
        }
        return drop ? -1 : lookup(in);
    }

    /** The output {@code in} had (a late or repeated input), -1 when it was dropped, is unknown or refused. */
    long lookup(long in) {
        if (in < start || in > highestIn) {
            return -1;
        }
        long out = in + offset;
        int known = (int) Math.min(dropCount, CAPACITY);
        for (int i = 0; i < known; i++) {
            long p = dropBack(i);
            if (p < in) {
                return out;
            }
            if (p == in) {
                return -1;
            }
            out++;
        }
        return dropCount > CAPACITY ? -1 : out; // else older than the drops remembered
    }

    /** The input that gave {@code out}, -1 when none is known (before the reset, or older than the drops remembered). */
    long unmap(long out) {
        if (out > highestOut) {
            return -1;
        }
        long in = out - offset;
        int known = (int) Math.min(dropCount, CAPACITY);
        int i = 0;
        for (; i < known && dropBack(i) >= in; i++) {
            in--;
        }
        return in < start || i == known && dropCount > CAPACITY ? -1 : in;
    }

    private void remember(long in) {
        if (drops == null) {
            drops = new long[CAPACITY];
        }
        drops[(int) (dropCount % CAPACITY)] = in;
        dropCount++;
    }

    /** The {@code i}-th newest drop remembered. */
    private long dropBack(int i) {
        return drops[(int) ((dropCount - 1 - i) % CAPACITY)];
    }
}
