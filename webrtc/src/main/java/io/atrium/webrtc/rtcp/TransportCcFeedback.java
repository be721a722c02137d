package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

/**
 * Transport-wide congestion control feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01
 * section 3.1 (RTPFB, FMT=15): flyweight reader with a per-packet cursor. Writing is done by
 * {@link TransportCcFeedbackWriter}.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=15 |    PT=205     |           length              |
 * |                     SSRC of packet sender                     |
 * |                      SSRC of media source                     |
 * |      base sequence number     |      packet status count      |
 * |                 reference time                | fb pkt. count |
 * |          packet chunk         |         packet chunk          |
 * .                                                               .
 * |         packet chunk          |  recv delta   |  recv delta   |
 * .                                                               .
 * |           recv delta          |  recv delta   | zero padding  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * run length chunk:   |T=0| S |       run length (13)       |
 * status vector chunk:|T=1|S=0| 14 x 1-bit symbol           |
 *                     |T=1|S=1| 7 x 2-bit symbol            |
 * symbols: 0 not received, 1 received (1-byte delta, 0..63.75 ms),
 *          2 received (2-byte signed delta), 3 reserved
 * </pre>
 *
 * <p>Deltas are in units of {@value #DELTA_MICROS} us; the reference time in units of
 * {@value #REFERENCE_TIME_MICROS} us. {@link #wrap} walks all chunks and deltas once, so the
 * cursor can never run past the packet; a reserved symbol makes the packet invalid.
 */
public final class TransportCcFeedback {
    /** Symbol: packet not received. */
    public static final int NOT_RECEIVED = 0;
    /** Symbol: received, delta in one unsigned byte. */
    public static final int RECEIVED_SMALL_DELTA = 1;
    /** Symbol: received, delta in two signed bytes. */
    public static final int RECEIVED_LARGE_DELTA = 2;
    /** Microseconds per receive delta tick. */
    public static final int DELTA_MICROS = 250;
    /** Microseconds per reference time unit. */
    public static final int REFERENCE_TIME_MICROS = 64_000;
    /** Offset of the first packet chunk from the packet start. */
    static final int CHUNKS_OFFSET = 20;
    /** Largest run length of a run length chunk. */
    static final int MAX_RUN_LENGTH = 0x1FFF;
    private static final int RESERVED = 3;

    private byte[] buf;
    private int off;
    private int statusCount;
    private int deltasStart;
    // cursor
    private int index;
    private int chunkPos;
    private int inChunk;
    private int deltaPos;
    private int status;
    private int delta;

    /**
     * Reads and validates the feedback at {@code buf[off]}, {@code len} bytes available.
     *
     * @return {@code false} when it is not RTPFB/FMT=15, reports no packet, or its chunks or
     *     deltas run past the packet or use the reserved symbol
     */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        int content = RtcpHeader.check(buf, off, len, RtcpHeader.RTPFB, CHUNKS_OFFSET);
        if (content < 0 || RtcpHeader.count(buf, off) != RtcpHeader.FMT_TRANSPORT_CC) {
            return false;
        }
        int count = Bytes.u16(buf, off + 14);
        if (count == 0) {
            return false;
        }
        int end = off + content;
        int pos = off + CHUNKS_OFFSET;
        int seen = 0;
        int deltaBytes = 0;
        while (seen < count) {
            if (pos + 2 > end) {
                return false;
            }
            int chunk = Bytes.u16(buf, pos);
            pos += 2;
            int n = Math.min(capacity(chunk), count - seen);
            if ((chunk & 0x8000) == 0) {
                int symbol = chunk >>> 13 & 3;
                if (symbol == RESERVED) {
                    return false;
                }
                deltaBytes += symbol * n;
            } else {
                for (int i = 0; i < n; i++) {
                    int symbol = symbol(chunk, i);
                    if (symbol == RESERVED) {
                        return false;
                    }
                    deltaBytes += symbol;
                }
            }
            seen += n;
        }
        if (pos + deltaBytes > end) {
            return false;
        }
        this.buf = buf;
        this.off = off;
        this.statusCount = count;
        this.deltasStart = pos;
        rewind();
        return true;
    }

    /** Number of packets a chunk describes (run length, 14 or 7). */
    static int capacity(int chunk) {
        if ((chunk & 0x8000) == 0) {
            return chunk & MAX_RUN_LENGTH;
        }
        return (chunk & 0x4000) == 0 ? 14 : 7;
    }

    /** Symbol {@code i} of a chunk (any kind). */
    static int symbol(int chunk, int i) {
        if ((chunk & 0x8000) == 0) {
            return chunk >>> 13 & 3;
        }
        if ((chunk & 0x4000) == 0) {
            return chunk >>> (13 - i) & 1;
        }
        return chunk >>> (12 - 2 * i) & 3;
    }

    public int senderSsrc() {
        return Bytes.i32(buf, off + 4);
    }

    public int mediaSsrc() {
        return Bytes.i32(buf, off + 8);
    }

    public int baseSequenceNumber() {
        return Bytes.u16(buf, off + 12);
    }

    public int packetStatusCount() {
        return statusCount;
    }

    /** Reference time in units of 64 ms, sign-extended from 24 bits. */
    public int referenceTime() {
        return Bytes.u24(buf, off + 16) << 8 >> 8;
    }

    /** Feedback packet count (8 bits). */
    public int feedbackPacketCount() {
        return buf[off + 19] & 0xFF;
    }

    /** Moves the cursor before the first reported packet. */
    public void rewind() {
        index = -1;
        chunkPos = off + CHUNKS_OFFSET - 2;
        inChunk = 0;
        deltaPos = deltasStart;
    }

    /** Advances to the next reported packet; {@code false} after the last. */
    public boolean nextPacket() {
        if (buf == null || index + 1 >= statusCount) {
            return false;
        }
        index++;
        if (chunkPos < off + CHUNKS_OFFSET || inChunk + 1 >= capacity(Bytes.u16(buf, chunkPos))) {
            do {
                chunkPos += 2;
            } while (capacity(Bytes.u16(buf, chunkPos)) == 0);
            inChunk = 0;
        } else {
            inChunk++;
        }
        status = symbol(Bytes.u16(buf, chunkPos), inChunk);
        if (status == RECEIVED_SMALL_DELTA) {
            delta = buf[deltaPos] & 0xFF;
            deltaPos += 1;
        } else if (status == RECEIVED_LARGE_DELTA) {
            delta = (short) Bytes.u16(buf, deltaPos);
            deltaPos += 2;
        } else {
            delta = 0;
        }
        return true;
    }

    /** Transport-wide sequence number of the current packet. */
    public int sequenceNumber() {
        return (baseSequenceNumber() + index) & 0xFFFF;
    }

    /** Status symbol of the current packet: {@link #NOT_RECEIVED} or one of the received kinds. */
    public int status() {
        return status;
    }

    public boolean received() {
        return status != NOT_RECEIVED;
    }

    /** Receive delta of the current packet in 250 us ticks, relative to the previous received one. */
    public int deltaTicks() {
        return delta;
    }

    /** Receive delta of the current packet in microseconds. */
    public long deltaMicros() {
        return (long) delta * DELTA_MICROS;
    }
}
