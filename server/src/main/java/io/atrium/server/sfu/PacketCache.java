package io.atrium.server.sfu;

/**
 * The last {@code capacity} packets of one RTP stream, by extended sequence number, for answering
 * NACKs. A slot's buffer is allocated when the first packet lands in it, so a track that never sends
 * costs only the index arrays (an offer cannot reserve memory it does not use); once every slot has
 * been used, storing and fetching allocate nothing. Media thread only.
 */
final class PacketCache {

    static final int SLOT_BYTES = 1500;

    private final byte[][] slots;
    private final int[] lengths;
    private final long[] sequences;
    private final int mask;

    /** {@code capacity} is rounded up to a power of two. */
    PacketCache(int capacity) {
        int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        slots = new byte[size][];
        lengths = new int[size];
        sequences = new long[size];
        java.util.Arrays.fill(sequences, -1);
        mask = size - 1;
    }

    void put(long extendedSeq, byte[] buf, int off, int len) {
        if (len > SLOT_BYTES) {
            return;
        }
        int i = (int) (extendedSeq & mask);
        byte[] slot = slots[i];
        if (slot == null) {
            slot = slots[i] = new byte[SLOT_BYTES];
        }
        System.arraycopy(buf, off, slot, 0, len);
        lengths[i] = len;
        sequences[i] = extendedSeq;
    }

    /** Copies the packet into {@code dst} and returns its length, or -1 when it is no longer cached. */
    int get(long extendedSeq, byte[] dst, int dstOff) {
        int i = (int) (extendedSeq & mask);
        if (sequences[i] != extendedSeq) {
            return -1;
        }
        System.arraycopy(slots[i], 0, dst, dstOff, lengths[i]);
        return lengths[i];
    }

    boolean contains(long extendedSeq) {
        return sequences[(int) (extendedSeq & mask)] == extendedSeq;
    }
}
