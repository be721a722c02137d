package io.atrium.server.transport;

/** Counters of one peer, written on the media thread and read (racily, for display) anywhere. */
public final class PeerStats {
    volatile long packetsIn;
    volatile long bytesIn;
    volatile long packetsOut;
    volatile long bytesOut;
    volatile long rtcpIn;
    volatile long rtcpOut;
    volatile long dropped;
    volatile long srtpErrors;

    /** Adds {@code s}'s counters to these (sums for metrics; not on the hot path). */
    public void add(PeerStats s) {
        packetsIn += s.packetsIn;
        bytesIn += s.bytesIn;
        packetsOut += s.packetsOut;
        bytesOut += s.bytesOut;
        rtcpIn += s.rtcpIn;
        rtcpOut += s.rtcpOut;
        dropped += s.dropped;
        srtpErrors += s.srtpErrors;
    }

    public long packetsIn() {
        return packetsIn;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long packetsOut() {
        return packetsOut;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public long rtcpIn() {
        return rtcpIn;
    }

    public long rtcpOut() {
        return rtcpOut;
    }

    public long dropped() {
        return dropped;
    }

    public long srtpErrors() {
        return srtpErrors;
    }
}
