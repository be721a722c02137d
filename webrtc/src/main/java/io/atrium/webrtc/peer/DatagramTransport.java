package io.atrium.webrtc.peer;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The UDP socket side of a {@link ClientPeer} built with {@link ClientPeer#ClientPeer(DatagramTransport,
 * io.atrium.webrtc.ice.IceCredentials, io.atrium.webrtc.dtls.DtlsCertificate, PeerSettings, MediaListener)}:
 * it sends what the peer gives it, and hands every datagram it receives to {@link ClientPeer#receive} from one
 * thread at a time. A transport may queue sends and write them in batches (it then flushes on its own), which
 * lets many peers share a few threads; {@link ClientPeer#open} keeps one {@code DatagramSocket} and a receive
 * thread per peer.
 */
public interface DatagramTransport {

    /** Sends (or queues) one datagram; {@code buf} may be reused as soon as this returns. */
    void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException;

    /** The bound local address: the peer's host candidate. */
    InetSocketAddress localAddress();

    /** Closes the socket; idempotent. */
    void close();
}
