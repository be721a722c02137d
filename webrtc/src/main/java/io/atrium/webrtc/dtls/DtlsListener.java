package io.atrium.webrtc.dtls;

/**
 * Events of an established DTLS association: application data (RFC 6347 section 4.1, content type
 * application_data(23); SCTP for data channels per RFC 8261) and the end of the association
 * (RFC 5246 section 7.2.1 close_notify, or a fatal alert).
 *
 * <p>Called on the thread that feeds datagrams into {@link DtlsEndpoint#receive} (or, for datagrams
 * that arrived while the handshake was finishing, on the handshake thread right after the handshake
 * future completed), one call at a time per endpoint; keep callbacks short.
 */
public interface DtlsListener {

    /** A listener that ignores every event. */
    DtlsListener NONE = new DtlsListener() { };

    /** Decrypted application data, valid only during the call. */
    default void onApplicationData(byte[] buf, int off, int len) {
    }

    /** The association ended; called at most once per endpoint and only after a successful handshake. */
    default void onClosed(DtlsCloseReason reason) {
    }
}
