package io.atrium.webrtc.dtls;

/**
 * Where a {@link DtlsEndpoint} sends its DTLS records: one call per UDP datagram (RFC 6347 section 4.1).
 *
 * <p>The library owns no socket; the caller's transport writes the bytes to the peer's address. The
 * buffer belongs to the caller of {@code send} and is valid only during the call: copy what you keep.
 * Implementations must not throw and must not feed datagrams back into the same endpoint from inside
 * the call.
 */
@FunctionalInterface
public interface PacketSink {

    /** Sends {@code buf[off .. off+len)} as one datagram to the peer. */
    void send(byte[] buf, int off, int len);
}
