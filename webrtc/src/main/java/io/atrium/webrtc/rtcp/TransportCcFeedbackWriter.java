package io.atrium.webrtc.rtcp;

import io.atrium.webrtc.util.Bytes;

import static io.atrium.webrtc.rtcp.TransportCcFeedback.CHUNKS_OFFSET;
import static io.atrium.webrtc.rtcp.TransportCcFeedback.DELTA_MICROS;
import static io.atrium.webrtc.rtcp.TransportCcFeedback.MAX_RUN_LENGTH;
import static io.atrium.webrtc.rtcp.TransportCcFeedback.NOT_RECEIVED;
import static io.atrium.webrtc.rtcp.TransportCcFeedback.RECEIVED_LARGE_DELTA;
import static io.atrium.webrtc.rtcp.TransportCcFeedback.RECEIVED_SMALL_DELTA;
import static io.atrium.webrtc.rtcp.TransportCcFeedback.REFERENCE_TIME_MICROS;

/**
 * Reusable builder of transport-wide congestion control feedback,
 * draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1 (layout in
 * {@link TransportCcFeedback}). Packets are added in sequence order with their arrival time; gaps
 * are reported as not received. {@link #write} picks run length chunks for long runs, 1-bit status
 * vectors where only "not received" / "small delta" occur, and 2-bit status vectors otherwise.
 * Holds its arrays from construction on; allocates nothing afterwards.
 */
public final class TransportCcFeedbackWriter {
    /** Default capacity in reported packets. */
    public static final int DEFAULT_MAX_STATUS_COUNT = 2048;
    private static final int MAX_STATUS_COUNT = 0xFFFF;
    private static final int ONE_BIT_SYMBOLS = 14;
    private static final int TWO_BIT_SYMBOLS = 7;
    private static final int TICKS_PER_REFERENCE = REFERENCE_TIME_MICROS / DELTA_MICROS;

    private final byte[] statuses;
    private final short[] deltas;
    private int senderSsrc;
    private int mediaSsrc;
    private int baseSequence;
    private int referenceTime;
    private int feedbackCount;
    private int count;
    private int deltaCount;
    private long lastTicks;

    /** A writer for up to {@link #DEFAULT_MAX_STATUS_COUNT} packets per feedback. */
    public TransportCcFeedbackWriter() {
        this(DEFAULT_MAX_STATUS_COUNT);
    }

    /**
     * A writer for up to {@code maxStatusCount} packets per feedback.
     *
     * @throws IllegalArgumentException unless {@code 1 <= maxStatusCount <= 65535}
     */
    public TransportCcFeedbackWriter(int maxStatusCount) {
        if (maxStatusCount < 1 || maxStatusCount > MAX_STATUS_COUNT) {
            throw new IllegalArgumentException("maxStatusCount outside 1..65535: " + maxStatusCount);
        }
        statuses = new byte[maxStatusCount];
        deltas = new short[maxStatusCount];
    }

    /**
     * Starts a new feedback message.
     *
     * @param baseSequence transport-wide sequence number of the first packet to report
     * @param referenceMicros arrival time (same clock as {@link #addReceived}) used as reference;
     *     rounded down to a multiple of 64 ms
     * @param feedbackPacketCount this feedback's number, modulo 256
     */
    public void reset(int senderSsrc, int mediaSsrc, int baseSequence, long referenceMicros,
                      int feedbackPacketCount) {
        this.senderSsrc = senderSsrc;
        this.mediaSsrc = mediaSsrc;
        this.baseSequence = baseSequence & 0xFFFF;
        long reference = Math.floorDiv(referenceMicros, REFERENCE_TIME_MICROS);
        this.referenceTime = (int) reference;
        this.feedbackCount = feedbackPacketCount;
        this.lastTicks = reference * TICKS_PER_REFERENCE;
        this.count = 0;
        this.deltaCount = 0;
    }

    /**
     * Reports packet {@code sequenceNumber} as received at {@code arrivalMicros}; packets between
     * the previous one added (or the base) and this one are reported as not received.
     *
     * @return {@code false} (nothing changed) when the sequence number is not after the previous
     *     one, the writer is full, or the delta to the previous arrival does not fit 16 signed
     *     bits of 250 us; the caller then sends this feedback and starts a new one
     */
    public boolean addReceived(int sequenceNumber, long arrivalMicros) {
        int index = (sequenceNumber - baseSequence) & 0xFFFF;
        if (index < count || index >= statuses.length) {
            return false;
        }
        long ticks = Math.floorDiv(arrivalMicros, DELTA_MICROS);
        long delta = ticks - lastTicks;
        if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
            return false;
        }
        while (count < index) {
            statuses[count++] = NOT_RECEIVED;
        }
        statuses[count++] = (byte) (delta >= 0 && delta <= 0xFF ? RECEIVED_SMALL_DELTA : RECEIVED_LARGE_DELTA);
        deltas[deltaCount++] = (short) delta;
        lastTicks = ticks;
        return true;
    }

    /** Packets reported so far (received or not). */
    public int statusCount() {
        return count;
    }

    /**
     * Writes the feedback message, zero-padded to 32 bits with the P bit set when needed.
     *
     * @return the packet length, or -1 when nothing was added or it does not fit in
     *     {@code buf[off, off+capacity)}
     */
    public int write(byte[] buf, int off, int capacity) {
        if (count == 0 || buf == null || off < 0 || off > buf.length || capacity < 0) {
            return -1;
        }
        int limit = off + Math.min(capacity, buf.length - off);
        int pos = off + CHUNKS_OFFSET;
        if (pos > limit) {
            return -1;
        }
        int i = 0;
        while (i < count) {
            if (pos + 2 > limit) {
                return -1;
            }
            int run = runLength(i);
            int chunk;
            int used;
            if (run == count - i || run >= ONE_BIT_SYMBOLS) {
                chunk = statuses[i] << 13 | run;
                used = run;
            } else if (allAtMost(i, ONE_BIT_SYMBOLS, RECEIVED_SMALL_DELTA)) {
                used = Math.min(ONE_BIT_SYMBOLS, count - i);
                chunk = 0x8000;
                for (int k = 0; k < used; k++) {
                    chunk |= statuses[i + k] << (13 - k);
                }
            } else if (run >= TWO_BIT_SYMBOLS) {
                chunk = statuses[i] << 13 | run;
                used = run;
            } else {
                used = Math.min(TWO_BIT_SYMBOLS, count - i);
                chunk = 0xC000;
                for (int k = 0; k < used; k++) {
                    chunk |= statuses[i + k] << (12 - 2 * k);
                }
            }
            Bytes.put16(buf, pos, chunk);
            pos += 2;
            i += used;
        }
        int d = 0;
        for (int k = 0; k < count; k++) {
            if (statuses[k] == RECEIVED_SMALL_DELTA) {
                if (pos + 1 > limit) {
                    return -1;
                }
                buf[pos++] = (byte) deltas[d++];
            } else if (statuses[k] == RECEIVED_LARGE_DELTA) {
                if (pos + 2 > limit) {
                    return -1;
                }
                Bytes.put16(buf, pos, deltas[d++]);
                pos += 2;
            }
        }
        int padding = (4 - (pos - off) % 4) % 4;
        if (pos + padding > limit) {
            return -1;
        }
        for (int k = 0; k < padding; k++) {
            buf[pos++] = 0;
        }
        int total = pos - off;
        RtcpHeader.writeFeedback(buf, off, RtcpHeader.FMT_TRANSPORT_CC, RtcpHeader.RTPFB, total,
                senderSsrc, mediaSsrc);
        if (padding > 0) {
            buf[off] |= 0x20;
            buf[pos - 1] = (byte) padding;
        }
        Bytes.put16(buf, off + 12, baseSequence);
        Bytes.put16(buf, off + 14, count);
        Bytes.put24(buf, off + 16, referenceTime);
        buf[off + 19] = (byte) feedbackCount;
        return total;
    }

    private int runLength(int from) {
        int symbol = statuses[from];
        int end = Math.min(count, from + MAX_RUN_LENGTH);
        int i = from + 1;
        while (i < end && statuses[i] == symbol) {
            i++;
        }
        return i - from;
    }

    private boolean allAtMost(int from, int n, int max) {
        int end = Math.min(count, from + n);
        for (int i = from; i < end; i++) {
            if (statuses[i] > max) {
                return false;
            }
        }
        return true;
    }
}
