package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * The AV1 RTP aggregation header and the OBU elements after it (AV1 RTP Payload Format specification, section 4.4):
 * detects the start of a new coded video sequence (which always begins with a key frame) and walks the elements.
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |Z|Y| W |N|-|-|-|    Z: the first element continues an OBU of the previous packet; Y: the last one continues
 * +-+-+-+-+-+-+-+-+       in the next; W: element count (0: every element has a LEB128 length; 1..3: all but the
 *                         last have one); N: first packet of a coded video sequence
 * </pre>
 * A walk without allocating: {@code pos = off + 1}, then for element {@code i = 1, 2, …} while {@code pos < end}:
 * {@code e = element(buf, pos, end, isLast(w, i))}, its data at {@code start(e)} of {@code size(e)} bytes, next
 * {@code pos = start(e) + size(e)}, stop after element {@code w} when {@code w != 0}.
 */
public final class Av1AggregationHeader {
    private static final int MAX_LEB128_BYTES = 8;

    private Av1AggregationHeader() {
    }

    /** True when the N bit is set: the packet is the first of a coded video sequence. */
    public static boolean isKeyframe(byte[] buf, int off, int len) {
        return len >= 2 && Bytes.inBounds(buf, off, len) && (buf[off] & 0x08) != 0;
    }

    /** Z: the payload's first element continues an OBU begun in the previous packet. */
    public static boolean continuesObu(byte header) {
        return (header & 0x80) != 0;
    }

    /** Y: the payload's last element is continued in the next packet. */
    public static boolean obuContinues(byte header) {
        return (header & 0x40) != 0;
    }

    /** W: the number of elements, 0 when each carries its length. */
    public static int elementCount(byte header) {
        return (header >>> 4) & 0x03;
    }

    /** Whether element {@code i} (from 1) of a payload with count {@code w} is the last one, without a length field. */
    public static boolean isLast(int w, int i) {
        return w != 0 && i == w;
    }

    /**
     * The element at {@code buf[pos, end)}: its data's offset in the high half and its size in the low (see
     * {@link #start}, {@link #size}), or -1 when its length field is malformed or runs past {@code end}.
     * {@code unsized}: the element has no length field and runs to {@code end}.
     */
    public static long element(byte[] buf, int pos, int end, boolean unsized) {
        if (unsized) {
            return (long) pos << 32 | (end - pos);
        }
        long leb = leb128(buf, pos, end);
        if (leb < 0) {
            return -1;
        }
        int start = pos + (int) (leb >>> 32);
        int size = (int) leb;
        return size > end - start ? -1 : (long) start << 32 | size;
    }

    /** The data offset of an {@link #element}. */
    public static int start(long element) {
        return (int) (element >>> 32);
    }

    /** The size of an {@link #element}. */
    public static int size(long element) {
        return (int) element;
    }

    /** A LEB128 value at {@code buf[pos, end)}: its byte count in the high half, the value (below 2^31) in the low; -1 when bad. */
    public static long leb128(byte[] buf, int pos, int end) {
        long value = 0;
        for (int i = 0; i < MAX_LEB128_BYTES && pos + i < end; i++) {
            int b = buf[pos + i] & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value > Integer.MAX_VALUE ? -1 : (long) (i + 1) << 32 | value;
            }
        }
        return -1;
    }
}
