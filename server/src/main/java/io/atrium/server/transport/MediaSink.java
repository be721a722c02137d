package io.atrium.server.transport;

/**
 * Where the SFU sends a peer's packets: the seam between forwarding and the transport. A
 * {@link MediaPeer} encrypts and sends; benchmarks and unit tests plug in their own. Packets handed
 * over must leave {@link MediaPeer#SRTP_TRAILER} spare bytes after them. Media thread only.
 */
public interface MediaSink {

    String id();

    boolean isConnected();

    boolean sendRtp(byte[] buf, int off, int len);

    boolean sendRtcp(byte[] buf, int off, int len);

    PeerStats stats();
}
