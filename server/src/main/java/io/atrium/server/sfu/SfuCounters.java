package io.atrium.server.sfu;

/**
 * Process-wide RTCP feedback and retransmission counters of one {@link Sfu}, for the metrics
 * endpoint. Written only on the media thread (plain increments, no allocation); read anywhere, where
 * a value may be slightly stale. "In" is from clients (subscribers' feedback, publishers' RTX), "out"
 * is what Atrium sends.
 */
public final class SfuCounters {

    volatile long nackIn;
    volatile long nackOut;
    volatile long pliIn;
    volatile long pliOut;
    volatile long firIn;
    volatile long rtxIn;
    volatile long rtxOut;

    /** Generic NACK packets (RFC 4585) received from subscribers. */
    public long nackIn() {
        return nackIn;
    }

    /** Generic NACK packets sent to publishers. */
    public long nackOut() {
        return nackOut;
    }

    /** Picture loss indications received from subscribers. */
    public long pliIn() {
        return pliIn;
    }

    /** Keyframe requests (PLI) sent to publishers. */
    public long pliOut() {
        return pliOut;
    }

    /** Full intra requests (RFC 5104) received from subscribers. */
    public long firIn() {
        return firIn;
    }

    /** Retransmitted packets received from publishers. */
    public long rtxIn() {
        return rtxIn;
    }

    /** Packets retransmitted to subscribers. */
    public long rtxOut() {
        return rtxOut;
    }
}
