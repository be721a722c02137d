package io.atrium.server.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide media counters of one {@link MediaTransport}, for the metrics endpoint: the totals
 * of every peer's {@link PeerStats} (live peers plus those already closed), datagrams nobody could
 * take, failed DTLS handshakes, and how long the media thread spends on each SRTP datagram (receive
 * → forwarded to every subscriber). The hot path only adds to plain fields (media thread); readers on
 * other threads get a recent, possibly slightly stale, value.
 */
public final class MediaCounters {

    /** Sums of the closed peers' {@link PeerStats}; guarded by {@code this}. */
    private final PeerStats retired = new PeerStats();
    final AtomicLong dtlsFailures = new AtomicLong();
    volatile long unroutable;
    volatile long forwardCount;
    volatile long forwardNanos;
    volatile long forwardMaxNanos;

    /** One SRTP datagram took {@code nanos} on the media thread. Media thread, allocation-free. */
    void forwarded(long nanos) {
        forwardCount++;
        forwardNanos += nanos;
        if (nanos > forwardMaxNanos) {
            forwardMaxNanos = nanos;
        }
    }

    synchronized void retire(PeerStats s) {
        retired.add(s);
    }

    /** Totals over the closed peers and {@code live} ones, taken under the same lock as {@link #retire}. */
    synchronized PeerStats totals(Iterable<MediaPeer> live) {
        PeerStats t = new PeerStats();
        t.add(retired);
        for (MediaPeer p : live) {
            t.add(p.stats());
        }
        return t;
    }

    public long dtlsFailures() {
        return dtlsFailures.get();
    }

    public long unroutable() {
        return unroutable;
    }

    /** SRTP datagrams timed on the media thread. */
    public long forwardCount() {
        return forwardCount;
    }

    public long forwardNanos() {
        return forwardNanos;
    }

    /** The longest single datagram since the last call, then reset. */
    public long takeForwardMaxNanos() {
        long max = forwardMaxNanos;
        forwardMaxNanos = 0;
        return max;
    }
}
