package io.atrium.server.sfu;

/**
 * Takes a copy of each packet of one published track, as the SFU receives it (after SRTP, RTX unwrapped,
 * duplicates dropped, before forwarding; nothing while the track is paused): the recorder's hook. Media
 * thread only; an implementation must neither block nor allocate per packet — it copies into its own
 * buffers or drops.
 */
public interface PacketTap {

    /** One RTP packet; the buffer is reused after the call. */
    void onRtp(byte[] buf, int off, int len, long nowMillis);

    /** The track ended (its publisher left or renegotiated it away) or the tap was removed. */
    void close();

    /** Makes the taps of one room's tracks (a recording); called on the media thread, must not block. */
    interface Factory {
        /** A tap for {@code receiver}, or null to leave the track unrecorded. */
        PacketTap open(Receiver receiver);
    }
}
