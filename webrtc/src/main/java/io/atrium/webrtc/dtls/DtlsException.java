package io.atrium.webrtc.dtls;

/**
 * The one exception type of the DTLS layer (RFC 6347 DTLS 1.2 as used by WebRTC, RFC 8827 section 6.5).
 *
 * <p>Thrown directly only for programmer or configuration errors (bad settings, an endpoint started
 * twice, keying material of the wrong length). A failed or timed-out handshake is never thrown at the
 * caller: it completes the handshake future exceptionally with this type, carrying the TLS alert that
 * ended it when there was one (RFC 5246 section 7.2).
 */
public final class DtlsException extends RuntimeException {

    /** Value of {@link #alertDescription()} when no TLS alert was involved. */
    public static final int NO_ALERT = -1;

    private static final long serialVersionUID = 1L;

    private final int alertDescription;
    private final boolean alertFromPeer;

    /** An error with no TLS alert involved. */
    public DtlsException(String message) {
        this(message, null, NO_ALERT, false);
    }

    /** An error with no TLS alert involved, caused by {@code cause}. */
    public DtlsException(String message, Throwable cause) {
        this(message, cause, NO_ALERT, false);
    }

    /**
     * An error that ended with a TLS alert.
     *
     * @param alertDescription the RFC 5246 section 7.2 AlertDescription code, or {@link #NO_ALERT}
     * @param alertFromPeer    true if the peer sent the alert, false if this side raised it
     */
    public DtlsException(String message, Throwable cause, int alertDescription, boolean alertFromPeer) {
        super(message, cause);
        this.alertDescription = alertDescription;
        this.alertFromPeer = alertFromPeer;
    }

    /** RFC 5246 section 7.2 AlertDescription code that ended the handshake, or {@link #NO_ALERT}. */
    public int alertDescription() {
        return alertDescription;
    }

    /** True if the alert was received from the peer, false if this side raised it (or there was none). */
    public boolean alertFromPeer() {
        return alertFromPeer;
    }
}
