package io.atrium.server.sfu.bwe;

/**
 * What Atrium sent to one subscriber peer, by transport-wide sequence number
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): the send time and size of the last
 * {@link #SIZE} packets in a ring, so that transport-cc feedback can be matched to them. Hands out
 * the sequence numbers it records. Allocation-free; media thread only.
 */
public final class SendHistory {

    /** Packets remembered: several seconds at video rates; feedback comes every 50-100 ms. */
    public static final int SIZE = 4096;

    private final long[] sequences = new long[SIZE];
    private final long[] sendMicros = new long[SIZE];
    private final int[] sizes = new int[SIZE];
    private static final byte UNREPORTED = 0;
    private static final byte LOST = 1;
    private static final byte RECEIVED = 2;
    private final byte[] state = new byte[SIZE];
    private long next;

    public SendHistory() {
        java.util.Arrays.fill(sequences, -1);
    }

    /** The 16-bit transport-wide sequence number the next packet gets. */
    public int nextSequence() {
        return (int) (next & 0xFFFF);
    }

    /** Records the packet stamped with {@link #nextSequence()}: sent at {@code micros}, {@code size} bytes. */
    public void sent(long micros, int size) {
        int i = (int) (next & (SIZE - 1));
        sequences[i] = next;
        sendMicros[i] = micros;
        sizes[i] = size;
        state[i] = UNREPORTED;
        next++;
    }

    /** The slot of the newest sent packet with 16-bit number {@code seq}, if still remembered, else -1. */
    public int slot(int seq) {
        if (next == 0) {
            return -1;
        }
        long newest = next - 1;
        long ext = newest - ((newest - seq) & 0xFFFF);
        int i = (int) (ext & (SIZE - 1));
        return ext >= 0 && sequences[i] == ext ? i : -1;
    }

    /** Marks a slot reported as received; {@code false} if it was already (a duplicate report). */
    public boolean markReceived(int slot) {
        boolean first = state[slot] != RECEIVED;
        state[slot] = RECEIVED;
        return first;
    }

    /** Marks a slot reported as lost; {@code false} if it was reported before (lost or received). */
    public boolean markLost(int slot) {
        boolean first = state[slot] == UNREPORTED;
        if (first) {
            state[slot] = LOST;
        }
        return first;
    }

    public long sendMicros(int slot) {
        return sendMicros[slot];
    }

    public int size(int slot) {
        return sizes[slot];
    }
}
