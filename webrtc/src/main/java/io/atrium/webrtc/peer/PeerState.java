package io.atrium.webrtc.peer;

/** Lifecycle of a {@link ClientPeer}; CLOSED and FAILED are final. */
public enum PeerState {
    /** Created; {@link ClientPeer#connect} not called yet. */
    NEW,
    /** Sending ICE connectivity checks (RFC 8445 section 7.2). */
    CHECKING,
    /** ICE succeeded; DTLS client handshake running (RFC 6347). */
    HANDSHAKING,
    /** SRTP keys derived; media flows and consent checks run (RFC 7675). */
    CONNECTED,
    /** Closed locally, or the server sent DTLS close_notify. */
    CLOSED,
    /** Connecting failed, or consent expired (RFC 7675 section 5.1), or DTLS ended with a fatal alert. */
    FAILED
}
