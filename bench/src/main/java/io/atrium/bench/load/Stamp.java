package io.atrium.bench.load;

import java.util.zip.CRC32;

/**
 * The 24-byte trailer the load generator puts at the end of every RTP payload it sends, so a subscriber can
 * tell which stream and packet it got, when it was sent, and whether the bytes arrived intact. It sits at the
 * END of the payload because SFUs rewrite the start (VP8 picture ids, RTX headers); the CRC covers only the
 * {@code bodyLength} bytes right before the trailer, so it survives any rewrite of the bytes in front of them.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                CRC-32 of the body (before the trailer)        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          body length          |           stream id           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            stream sequence (counts every packet sent)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 send time, System.nanoTime (64 bits)          |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     magic 0x4154524D "ATRM"                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Publishers and subscribers live in one JVM, so the send and receive times share one clock.
 */
public final class Stamp {
    /** Trailer length in bytes. */
    public static final int LENGTH = 24;
    /** The last four bytes of every stamped payload. */
    public static final int MAGIC = 0x4154524D;

    /** What {@link #read} found. */
    public enum Result { OK, NO_STAMP, CORRUPT }

    private final CRC32 crc = new CRC32();
    private int streamId;
    private long sequence;
    private long sendNanos;

    /**
     * Fills the body {@code buf[bodyOff, bodyOff+bodyLength)} from {@code fillFrom} on with bytes derived from
     * stream and sequence (bytes before {@code fillFrom} are the caller's, e.g. codec headers), then writes the
     * trailer right after the body.
     *
     * @return the offset just past the trailer
     */
    public int write(byte[] buf, int bodyOff, int bodyLength, int fillFrom, int streamId, long sequence,
                     long sendNanos) {
        if (bodyLength < 0 || bodyLength > 0xFFFF || fillFrom < bodyOff || fillFrom > bodyOff + bodyLength) {
            throw new IllegalArgumentException("body length " + bodyLength + " or fill offset out of range");
        }
        int seed = (int) (sequence * 0x9E3779B1L) ^ (streamId << 16);
        for (int i = fillFrom; i < bodyOff + bodyLength; i++) {
            seed = seed * 1103515245 + 12345;
            buf[i] = (byte) (seed >>> 24);
        }
        crc.reset();
        crc.update(buf, bodyOff, bodyLength);
        int t = bodyOff + bodyLength;
        putInt(buf, t, (int) crc.getValue());
        buf[t + 4] = (byte) (bodyLength >>> 8);
        buf[t + 5] = (byte) bodyLength;
        buf[t + 6] = (byte) (streamId >>> 8);
        buf[t + 7] = (byte) streamId;
        putInt(buf, t + 8, (int) sequence);
        putInt(buf, t + 12, (int) (sendNanos >>> 32));
        putInt(buf, t + 16, (int) sendNanos);
        putInt(buf, t + 20, MAGIC);
        return t + LENGTH;
    }

    /**
     * Reads the trailer at the end of {@code buf[payloadOff, payloadOff+payloadLength)} and checks the body CRC.
     * On {@link Result#OK}, {@link #streamId()}, {@link #sequence()} and {@link #sendNanos()} describe it.
     */
    public Result read(byte[] buf, int payloadOff, int payloadLength) {
        if (payloadLength < LENGTH) {
            return Result.NO_STAMP;
        }
        int t = payloadOff + payloadLength - LENGTH;
        if (getInt(buf, t + 20) != MAGIC) {
            return Result.NO_STAMP;
        }
        int bodyLength = (buf[t + 4] & 0xFF) << 8 | buf[t + 5] & 0xFF;
        if (bodyLength > payloadLength - LENGTH) {
            return Result.CORRUPT;
        }
        crc.reset();
        crc.update(buf, t - bodyLength, bodyLength);
        if ((int) crc.getValue() != getInt(buf, t)) {
            return Result.CORRUPT;
        }
        streamId = (buf[t + 6] & 0xFF) << 8 | buf[t + 7] & 0xFF;
        sequence = getInt(buf, t + 8) & 0xFFFF_FFFFL;
        sendNanos = (long) getInt(buf, t + 12) << 32 | getInt(buf, t + 16) & 0xFFFF_FFFFL;
        return Result.OK;
    }

    /**
     * The {@link SendTimes#tag} of the stamped RTP packet {@code buf[0, end)} (its trailer the last bytes), read without
     * checking the body; -1 when it ends in no trailer.
     */
    public static long tag(byte[] buf, int end) {
        int t = end - LENGTH;
        if (t < 0 || getInt(buf, t + 20) != MAGIC) {
            return -1;
        }
        return SendTimes.tag((buf[t + 6] & 0xFF) << 8 | buf[t + 7] & 0xFF, getInt(buf, t + 8));
    }

    /** Stream id of the last packet read. */
    public int streamId() {
        return streamId;
    }

    /** Stream sequence of the last packet read (unsigned 32 bits). */
    public long sequence() {
        return sequence;
    }

    /** Send time of the last packet read. */
    public long sendNanos() {
        return sendNanos;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | b[off + 3] & 0xFF;
    }
}
