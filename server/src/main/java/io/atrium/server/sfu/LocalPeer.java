package io.atrium.server.sfu;

import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.MediaSink;
import io.atrium.server.transport.PeerStats;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A peer inside the server (the audio bridge of a SIP phone) that a {@link Router} treats like any
 * other: it publishes tracks — RTP handed to {@link #publish} from any thread reaches its receivers on
 * the media thread — and receives tracks, whose forwarded RTP arrives in the clear at its
 * {@link Listener} on the media thread. No ICE, DTLS or SRTP: the packets never leave the process.
 * A bounded ring of preallocated slots carries published packets to the media thread; a full ring
 * drops (counted), nothing is allocated per packet.
 */
public final class LocalPeer implements MediaSink {

    /** Forwarded RTP for this peer, on the media thread; the buffer is reused after the call. */
    public interface Listener {
        void onRtp(byte[] buf, int off, int len);
    }

    static final int SLOTS = 32;
    static final int MAX_PACKET = 1500;

    private final String id;
    private final Listener listener;
    /** The executor of the shard whose router this peer was last attached to; null before. */
    private volatile Executor media;
    private final PeerStats stats = new PeerStats();
    private final byte[][] slots = new byte[SLOTS][MAX_PACKET];
    private final int[] lengths = new int[SLOTS];
    private int head;
    private int size;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private final byte[] work = new byte[MAX_PACKET + MediaPeer.SRTP_TRAILER];
    /** Set on the media thread when the router makes this peer a publisher. */
    Publisher publisher;
    private volatile boolean closed;
    private volatile long dropped;

    /** {@code listener} may be null for a peer that only publishes. */
    public LocalPeer(String id, Listener listener) {
        this.id = id;
        this.listener = listener;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isConnected() {
        return !closed;
    }

    /** Queues one RTP packet of a published track for the media thread. Any thread; dropped when full or closed. */
    public void publish(byte[] buf, int off, int len) {
        Executor m = media;
        if (closed || m == null || len > MAX_PACKET || len < 12) { // no router has this peer yet: nothing would take it
            dropped++;
            return;
        }
        synchronized (slots) {
            if (size == SLOTS) {
                dropped++;
                return;
            }
            int slot = (head + size) % SLOTS;
            System.arraycopy(buf, off, slots[slot], 0, len);
            lengths[slot] = len;
            size++;
        }
        if (scheduled.compareAndSet(false, true)) {
            m.execute(drain); // while the server stops, dropped with what is queued (MediaSocket#offer)
        }
    }

    /** Packets {@link #publish} could not queue. */
    public long dropped() {
        return dropped;
    }

    private void drain() {
        scheduled.set(false);
        long now = System.currentTimeMillis();
        while (true) {
            int len;
            synchronized (slots) {
                if (size == 0) {
                    return;
                }
                len = lengths[head];
                System.arraycopy(slots[head], 0, work, 0, len);
                head = (head + 1) % SLOTS;
                size--;
            }
            Publisher p = publisher;
            if (p != null && !closed) {
                p.onRtp(work, 0, len, now);
            }
        }
    }

    /** Forwarded RTP of a track this peer receives. Media thread. */
    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        Listener l = listener;
        if (closed || l == null) {
            return false;
        }
        l.onRtp(buf, off, len);
        return true;
    }

    /** Reports and feedback for this peer are not needed: nothing crosses a network. */
    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        return !closed;
    }

    @Override
    public PeerStats stats() {
        return stats;
    }

    void close() {
        closed = true;
    }

    /**
     * The thread of {@code router}'s shard, which from now on drains this peer: its {@code execute} refuses while the
     * server stops (for the router's attach tasks), and what this peer publishes then is dropped.
     */
    Executor media(Router router) {
        var socket = router.shard().transport().socket();
        media = socket::offer;
        return socket::execute;
    }
}
