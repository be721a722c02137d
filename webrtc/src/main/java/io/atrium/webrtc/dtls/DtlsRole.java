package io.atrium.webrtc.dtls;

/**
 * Which side of the DTLS handshake an endpoint plays (RFC 5763 section 5, RFC 8842 section 5).
 *
 * <p>An ICE-lite SFU that answers with {@code a=setup:passive} is the DTLS {@link #SERVER}; the
 * offerer that then sends the ClientHello ({@code a=setup:active} or {@code actpass}) is the
 * {@link #CLIENT}. The role also decides which half of the exported SRTP keying material is ours
 * (RFC 5764 section 4.2): the client writes with the client keys.
 */
public enum DtlsRole {
    /** Sends the ClientHello; writes SRTP with {@code client_write_SRTP_master_key/salt}. */
    CLIENT,
    /** Answers the ClientHello; writes SRTP with {@code server_write_SRTP_master_key/salt}. */
    SERVER
}
