package io.atrium.server.sfu;

import io.atrium.server.transport.MediaSink;
import io.atrium.server.transport.PeerStats;

/** A connected {@link MediaSink} for tests that only look at the RTP sent to it; RTCP is accepted and dropped. */
abstract class RtpSink implements MediaSink {

    @Override
    public String id() {
        return "sink";
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        return true;
    }

    @Override
    public PeerStats stats() {
        return new PeerStats();
    }
}
