package io.atrium.webrtc.dtls;

/** Why an established DTLS association ended (RFC 5246 section 7.2). */
public enum DtlsCloseReason {
    /** {@link DtlsEndpoint#close()} was called here; a close_notify alert was sent. */
    LOCAL_CLOSE,
    /** The peer sent a close_notify alert (RFC 5246 section 7.2.1). */
    PEER_CLOSE_NOTIFY,
    /** The peer sent a fatal alert, or a record could not be processed and this side raised one. */
    FAILED
}
