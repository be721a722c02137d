package io.atrium.webrtc.peer;

/**
 * Receives the decrypted media of a {@link ClientPeer}.
 *
 * <p>Both methods run on the peer's receive thread, one call at a time. The buffer is the receive
 * buffer and is overwritten by the next datagram: <b>copy what you keep</b>. Keep callbacks short; a
 * callback that throws is logged and the packet is counted as received all the same.
 */
public interface MediaListener {
    /** A listener that ignores all media. */
    MediaListener NONE = new MediaListener() {
    };

    /** One RTP packet (RFC 3550 section 5.1), SRTP already removed; valid only during the call. */
    default void onRtp(byte[] buf, int off, int len) {
    }

    /** One (compound) RTCP packet (RFC 3550 section 6), SRTCP already removed; valid only during the call. */
    default void onRtcp(byte[] buf, int off, int len) {
    }
}
