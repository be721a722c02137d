package io.atrium.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each stamped packet was handed to the kernel. The load generator's pacer stamps every packet due in one pass
 * with the pass's start; a packet then waits for the pacer to build and encrypt the ones before it in that pass, and
 * in its socket's queue for the I/O thread's flush, behind whatever that thread is doing (reading and decrypting what
 * the server just sent). Those waits are the generator's, not the server's, so {@link ReceiveStats} measures one-way
 * latency from the time recorded here and reports them apart. Per stream a ring of {@value #RING} packets by stream
 * sequence; a stream's one writer is the I/O thread of its publisher's socket (at the flush), the receive threads read
 * it, each slot guarded like a seqlock by its sequence (a slot being rewritten reads as unknown).
 */
public final class SendTimes {
    /** Packets remembered per stream: 27 s of a 300-packet-a-second stream, far above any latency measured. */
    static final int RING = 8192;

    private final AtomicLongArray[] rings;

    /** @param streams number of stream ids (ids are {@code 0..streams-1}) */
    public SendTimes(int streams) {
        rings = new AtomicLongArray[streams];
        for (int i = 0; i < streams; i++) {
            rings[i] = new AtomicLongArray(2 * RING);
        }
    }

    /** The tag of a stamped packet ({@link Stamp#tag}): stream id and sequence in one long, or -1 for none. */
    static long tag(int streamId, long sequence) {
        return (long) streamId << 32 | sequence & 0xFFFF_FFFFL;
    }

    /** Records that the packet tagged {@code tag} was handed to the kernel at {@code nanos}; other tags are ignored. */
    public void sent(long tag, long nanos) {
        int stream = (int) (tag >>> 32);
        if (tag < 0 || stream >= rings.length) {
            return;
        }
        long sequence = tag & 0xFFFF_FFFFL;
        AtomicLongArray ring = rings[stream];
        int slot = 2 * (int) (sequence & (RING - 1));
        ring.set(slot, 0); // invalid while the time changes
        ring.set(slot + 1, nanos);
        ring.set(slot, sequence + 1);
    }

    /** When the packet {@code sequence} of {@code streamId} was handed to the kernel, or -1 if that is not known. */
    public long sentAt(int streamId, long sequence) {
        if (streamId < 0 || streamId >= rings.length) {
            return -1;
        }
        AtomicLongArray ring = rings[streamId];
        int slot = 2 * (int) (sequence & (RING - 1));
        long before = ring.get(slot);
        long nanos = ring.get(slot + 1);
        return before == sequence + 1 && ring.get(slot) == before ? nanos : -1;
    }
}
