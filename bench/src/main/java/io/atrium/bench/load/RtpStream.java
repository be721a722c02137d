package io.atrium.bench.load;

import io.atrium.webrtc.rtp.RtpPacket;

/**
 * One outgoing RTP stream of a publisher: SSRC, payload type, RTP sequence and timestamp, the {@link Stamp}
 * stream id and sequence, and how many packets it sent inside the {@link Window}. Writes whole packets into a
 * caller's buffer; used by the one pacer thread only (the window count is read after the window drained, and reset
 * by the runner between windows, when the pacer counts nothing).
 */
public final class RtpStream {
    /** A one-byte header extension block (RFC 8285) carrying the mid (and rid), or empty when there is none. */
    private final byte[] midExtension;
    private final int ssrc;
    private final int payloadType;
    private final int streamId;
    private final Stamp stamp = new Stamp();
    private int rtpSeq;
    private int rtpTimestamp;
    private long streamSeq;
    private volatile long sentInWindow;
    private volatile long sent;

    /**
     * @param midExtId RFC 8285 one-byte extension id of sdes:mid and {@code mid} its value, or 0 and null for none
     */
    public RtpStream(int ssrc, int payloadType, int streamId, int firstSeq, int firstTimestamp, int midExtId,
                     String mid) {
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.streamId = streamId;
        this.rtpSeq = firstSeq & 0xFFFF;
        this.rtpTimestamp = firstTimestamp;
        this.midExtension = midExtId == 0 ? new byte[0] : extensions(midExtId, mid, 0, null);
    }

    /** A simulcast layer's stream: every packet carries the mid and the rid (RFC 8852) header extensions. */
    public RtpStream(int ssrc, int payloadType, int streamId, int firstSeq, int firstTimestamp, int midExtId,
                     String mid, int ridExtId, String rid) {
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.streamId = streamId;
        this.rtpSeq = firstSeq & 0xFFFF;
        this.rtpTimestamp = firstTimestamp;
        this.midExtension = extensions(midExtId, mid, ridExtId, rid);
    }

    private static byte[] extensions(int midId, String mid, int ridId, String rid) {
        byte[] m = mid.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] r = rid == null ? new byte[0] : rid.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int elements = 1 + m.length + (r.length == 0 ? 0 : 1 + r.length);
        int words = (elements + 3) / 4;
        byte[] ext = new byte[4 + words * 4];
        ext[0] = (byte) 0xBE;
        ext[1] = (byte) 0xDE;
        ext[3] = (byte) words;
        ext[4] = (byte) (midId << 4 | m.length - 1);
        System.arraycopy(m, 0, ext, 5, m.length);
        if (r.length > 0) {
            ext[5 + m.length] = (byte) (ridId << 4 | r.length - 1);
            System.arraycopy(r, 0, ext, 6 + m.length, r.length);
        }
        return ext;
    }

    /** Length of the RTP header this stream writes (fixed header plus the mid extension, if any). */
    public int headerLength() {
        return RtpPacket.FIXED_HEADER_LENGTH + midExtension.length;
    }

    /**
     * Writes the RTP header at {@code buf[0]} and returns the payload offset; the caller then writes codec
     * headers and calls {@link #finish}.
     */
    public int begin(byte[] buf, boolean marker) {
        RtpPacket.writeHeader(buf, 0, marker, payloadType, rtpSeq, rtpTimestamp, ssrc);
        if (midExtension.length > 0) {
            buf[0] |= 0x10;
            System.arraycopy(midExtension, 0, buf, RtpPacket.FIXED_HEADER_LENGTH, midExtension.length);
        }
        rtpSeq = rtpSeq + 1 & 0xFFFF;
        return headerLength();
    }

    /**
     * Fills the payload from {@code fillFrom} up to {@code payloadEnd - Stamp.LENGTH} and stamps it; the body
     * covered by the CRC starts at {@code bodyStart} (after codec descriptors an SFU may rewrite).
     *
     * @return the packet length
     */
    public int finish(byte[] buf, int bodyStart, int fillFrom, int packetLength, long now, Window window) {
        int bodyLength = packetLength - Stamp.LENGTH - bodyStart;
        int end = stamp.write(buf, bodyStart, bodyLength, fillFrom, streamId, streamSeq++, now);
        sent++;
        if (window.contains(now)) {
            sentInWindow++;
        }
        return end;
    }

    /** Advances the RTP timestamp by {@code ticks} of the codec clock. */
    public void advance(int ticks) {
        rtpTimestamp += ticks;
    }

    public int ssrc() {
        return ssrc;
    }

    public int streamId() {
        return streamId;
    }

    /** Packets stamped and handed to the peer. */
    public long sent() {
        return sent;
    }

    /** Starts counting {@link #sentInWindow} afresh (before a new window is set). */
    public void resetWindow() {
        sentInWindow = 0;
    }

    /** Packets stamped with a send time inside the window. */
    public long sentInWindow() {
        return sentInWindow;
    }
}
