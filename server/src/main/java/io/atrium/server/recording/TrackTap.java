package io.atrium.server.recording;

import io.atrium.server.sfu.PacketTap;
import java.io.IOException;

/**
 * The bounded hand-off of one recorded track from the media thread to the recorder's writer thread: a
 * single-producer single-consumer ring of preallocated packet slots. {@link #onRtp} copies into a slot and
 * never blocks or allocates; when the ring is full (the writer is behind: a slow or stuck disk) the track's
 * recording stops with {@link #failure()} set and forwarding goes on untouched.
 */
public final class TrackTap implements PacketTap {

    /** Queue depth: about 2.5 s of a 2 Mbit/s video track, 10 s of Opus. */
    public static final int VIDEO_SLOTS = 512;
    public static final int AUDIO_SLOTS = 512;

    private final TrackFile.Header header;
    private final byte[][] slots;
    private final int[] lengths;
    private final long[] arrivals;
    /** Next slot the media thread fills; written only by it. */
    private volatile long tail;
    /** Next slot the writer drains; written only by it. */
    private volatile long head;
    private volatile boolean closed;
    private volatile String failure;
    private volatile long dropped;
    private long packets;

    TrackTap(TrackFile.Header header, int slots) {
        this.header = header;
        this.slots = new byte[slots][TrackFile.MAX_PACKET];
        this.lengths = new int[slots];
        this.arrivals = new long[slots];
    }

    public TrackFile.Header header() {
        return header;
    }

    @Override
    public void onRtp(byte[] buf, int off, int len, long nowMillis) {
        if (closed) {
            return;
        }
        if (failure != null || len > TrackFile.MAX_PACKET) {
            dropped++;
            return;
        }
        long t = tail;
        if (t - head == slots.length) {
            dropped++;
            failure = "the recording queue of track " + header.trackId() + " is full (" + slots.length
                    + " packets): the disk is too slow; this track's recording stopped, the meeting goes on";
            return;
        }
        int slot = (int) (t % slots.length);
        System.arraycopy(buf, off, slots[slot], 0, len);
        lengths[slot] = len;
        arrivals[slot] = nowMillis;
        tail = t + 1;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Writes every queued packet to {@code out}; returns how many. Writer thread. */
    int drainTo(TrackFile.Writer out) throws IOException {
        long h = head;
        long t = tail;
        for (long i = h; i < t; i++) {
            int slot = (int) (i % slots.length);
            out.append(arrivals[slot], slots[slot], 0, lengths[slot]);
            head = i + 1;
        }
        packets += t - h;
        return (int) (t - h);
    }

    /** The bytes that writing every queued packet would add to the track file. Writer thread. */
    long queuedBytes() {
        long bytes = 0;
        for (long i = head, t = tail; i < t; i++) {
            bytes += lengths[(int) (i % slots.length)] + TrackFile.RECORD_OVERHEAD;
        }
        return bytes;
    }

    /** Drops every queued packet unwritten (the recording reached a bound and is stopping). Writer thread. */
    void skipQueued() {
        head = tail;
    }

    /** Marks the track failed from the writer side (the file could not be written). */
    void fail(String reason) {
        if (failure == null) {
            failure = reason;
        }
    }

    /** The tap was closed and everything queued before was drained (the file is complete). */
    boolean finished() {
        return closed && head == tail;
    }

    boolean isClosed() {
        return closed;
    }

    /** Why this track stopped recording early, or null. */
    public String failure() {
        return failure;
    }

    /** Packets not recorded: from the one that found the queue full on (or the file failing), and any too long. */
    public long dropped() {
        return dropped;
    }

    /** Packets written to the file. Writer thread. */
    long packets() {
        return packets;
    }
}
