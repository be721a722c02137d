package io.atrium.webrtc.srtp;

/**
 * The per-packet cryptography of one profile under one set of session keys (RFC 3711 section 4,
 * RFC 7714 sections 8-9). Index bookkeeping, replay and header parsing live in {@link SrtpContext};
 * a transform only encrypts and authenticates, in place. Callers guarantee lengths and capacity.
 */
interface SrtpTransform {

    /** Octets appended to an SRTP packet. */
    int rtpTagLength();

    /** Octets appended to an SRTCP packet (tag + ESRTCP word). */
    int rtcpTrailerLength();

    /** Offset of the E-flag/SRTCP index word from the start of a protected packet of {@code len} octets. */
    int esrtcpOffset(int len);

    /** Protects {@code buf[off, off+len)} whose RTP header is {@code headerLength} octets; returns the new length. */
    int protectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index);

    /** Verifies and decrypts; returns the plain length or {@link SrtpError#AUTH_FAILED}. */
    int unprotectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index);

    /** Encrypts and tags an RTCP packet with E=1 and the given SRTCP index; returns the new length. */
    int protectRtcp(byte[] buf, int off, int len, int ssrc, int index);

    /** Verifies and (if {@code encrypted}) decrypts; returns the plain length or {@link SrtpError#AUTH_FAILED}. */
    int unprotectRtcp(byte[] buf, int off, int len, int ssrc, boolean encrypted, int index);
}
