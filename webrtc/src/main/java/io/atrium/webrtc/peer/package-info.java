/**
 * A client-mode WebRTC peer for test clients and the load generator: one UDP socket toward one
 * ICE-lite server (Atrium's SFU answers {@code a=ice-lite} and {@code a=setup:passive}).
 *
 * <p>{@link io.atrium.webrtc.peer.ClientPeer} runs ICE as the controlling full agent with aggressive
 * nomination (RFC 8445 sections 6.1.1, 7.2 and 8.1.1) toward the server's single host candidate, keeps
 * consent fresh (RFC 7675), runs the DTLS client handshake (RFC 5763, RFC 8827 section 6.5) with the
 * server's {@code a=fingerprint} checked, and protects media with the exported SRTP keys (RFC 5764).
 * Datagrams are demultiplexed by first byte (RFC 7983) and RTP from RTCP by packet type (RFC 5761).
 *
 * <pre>
 *   try (ClientPeer peer = ClientPeer.open(certificate, listener)) {
 *       // offer: peer.localCredentials(), peer.localFingerprint(), peer.localAddress()
 *       peer.connect(new RemoteDescription(ufrag, pwd, "sha-256 AB:..", serverAddress), Duration.ofSeconds(5));
 *       byte[] buf = new byte[rtpLength + peer.srtpOverhead()];
 *       peer.sendRtp(buf, 0, rtpLength);
 *   }
 * </pre>
 */
package io.atrium.webrtc.peer;
