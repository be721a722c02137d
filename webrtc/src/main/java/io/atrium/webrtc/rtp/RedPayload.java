package io.atrium.webrtc.rtp;

/**
 * RTP payload for redundant audio data, RFC 2198 section 3 ({@code red/48000/2} as browsers send it around
 * Opus): block headers, then the blocks' data in the same order, the last block being the primary encoding.
 * A reusable, allocation-free view; {@link #wrap} refuses a payload whose headers or lengths do not fit it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |1| block PT    |  timestamp offset         |   block length    |  one per redundant block
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0| block PT    |  the primary's header, then each block's data, the primary's last
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class RedPayload {

    /** Most blocks a payload may hold (browsers send the primary and one or two redundant blocks). */
    public static final int MAX_BLOCKS = 16;
    private static final int REDUNDANT_HEADER = 4;

    private byte[] buf;
    private int count;
    private final int[] headerOffset = new int[MAX_BLOCKS];
    private final int[] dataOffset = new int[MAX_BLOCKS];
    private final int[] dataLength = new int[MAX_BLOCKS];

    /** Reads the RED payload {@code buf[off, off + len)}; false (and no view) when it is malformed. */
    public boolean wrap(byte[] buf, int off, int len) {
        this.buf = null;
        count = 0;
        if (buf == null || off < 0 || len < 1 || off > buf.length - len) {
            return false;
        }
        int end = off + len;
        int p = off;
        int n = 0;
        while (true) {
            if (p >= end || n == MAX_BLOCKS) {
                return false;
            }
            headerOffset[n] = p;
            if ((buf[p] & 0x80) == 0) {
                p++;
                n++;
                break;
            }
            if (end - p < REDUNDANT_HEADER) {
                return false;
            }
            dataLength[n] = (buf[p + 2] & 0x03) << 8 | buf[p + 3] & 0xFF;
            p += REDUNDANT_HEADER;
            n++;
        }
        for (int i = 0; i < n - 1; i++) {
            if (dataLength[i] > end - p) {
                return false;
            }
            dataOffset[i] = p;
            p += dataLength[i];
        }
        dataOffset[n - 1] = p;
        dataLength[n - 1] = end - p;
        this.buf = buf;
        count = n;
        return true;
    }

    /** Blocks in the payload, the primary included (the last). */
    public int blockCount() {
        return count;
    }

    public int payloadType(int block) {
        return buf[headerOffset[block]] & 0x7F;
    }

    /** How much earlier than the packet's timestamp block {@code block} was sampled; 0 for the primary. */
    public int timestampOffset(int block) {
        if (block == count - 1) {
            return 0;
        }
        int h = headerOffset[block];
        return (buf[h + 1] & 0xFF) << 6 | (buf[h + 2] & 0xFF) >>> 2;
    }

    public int dataOffset(int block) {
        return dataOffset[block];
    }

    public int dataLength(int block) {
        return dataLength[block];
    }

    /** Sets every block's payload type to {@code payloadType} (0-127) in place, e.g. the receiver's own Opus type. */
    public void setPayloadTypes(int payloadType) {
        for (int i = 0; i < count; i++) {
            int h = headerOffset[i];
            buf[h] = (byte) (buf[h] & 0x80 | payloadType & 0x7F);
        }
    }

    /**
     * Turns a wrapped RED packet into its primary encoding in place: the payload becomes the primary block's
     * data, the payload type the primary's, padding is dropped. Returns the new length, or -1 (packet
     * unchanged) when the payload is not valid RED. The packet is re-wrapped.
     */
    public int toPrimary(RtpPacket packet) {
        byte[] b = packet.buffer();
        int payload = packet.payloadOffset();
        if (!wrap(b, payload, packet.payloadLength())) {
            return -1;
        }
        int primary = count - 1;
        int pt = payloadType(primary);
        int length = dataLength[primary];
        System.arraycopy(b, dataOffset[primary], b, payload, length);
        int start = packet.offset();
        b[start] &= (byte) ~0x20; // no padding
        int n = payload - start + length;
        packet.wrap(b, start, n);
        packet.setPayloadType(pt);
        this.buf = null;
        count = 0;
        return n;
    }
}
