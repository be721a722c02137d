package io.atrium.webrtc.peer;

/**
 * The one exception type of the client peer: invalid settings or remote descriptions, misuse (connecting
 * twice), and a {@link ClientPeer#connect} that did not complete (ICE got no valid answer in time, or the
 * DTLS handshake failed; the DTLS cause is then a {@link io.atrium.webrtc.dtls.DtlsException}).
 * Bad packets from the network never throw; they are dropped and counted.
 */
public final class PeerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with a message a person can act on. */
    public PeerException(String message) {
        super(message);
    }

    /** An error caused by {@code cause}. */
    public PeerException(String message, Throwable cause) {
        super(message, cause);
    }
}
