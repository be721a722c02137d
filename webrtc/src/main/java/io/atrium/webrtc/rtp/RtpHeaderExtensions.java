package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * Flyweight cursor over the elements of an RTP header extension block, RFC 8285 section 4.2
 * (one-byte form, profile {@code 0xBEDE}) and 4.3 (two-byte form, profile {@code 0x100X}).
 *
 * <pre>
 * one-byte form                          two-byte form
 *  0                   1                  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 ...    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ID   | L=n-1 | data (n bytes)       |      ID       |   length n    | data (n bytes)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>A byte with ID 0 between elements is one byte of padding in both forms. In the one-byte form ID 15 ends
 * processing of the block. The cursor never throws: {@link #next()} returns {@code false} at the
 * end of the block and when an element would run past it ({@link #malformed()} tells which).
 * Elements can be rewritten in place ({@link #setData}, {@link #setId}) or removed by overwriting
 * them with padding ({@link #remove()}), which keeps every other byte of the packet where it was.
 */
public final class RtpHeaderExtensions {
    /** "Defined by profile" value of the one-byte form. */
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** Upper 12 bits of the "defined by profile" value of the two-byte form. */
    public static final int TWO_BYTE_PROFILE = 0x1000;
    /** Mask selecting the upper 12 bits of the profile field; the low 4 are "appbits". */
    public static final int TWO_BYTE_PROFILE_MASK = 0xFFF0;
    /** Largest usable ID in the one-byte form (15 is reserved). */
    public static final int ONE_BYTE_MAX_ID = 14;
    /** Largest element data length in the one-byte form. */
    public static final int ONE_BYTE_MAX_LENGTH = 16;
    /** Largest usable ID in the two-byte form. */
    public static final int TWO_BYTE_MAX_ID = 255;
    /** Largest element data length in the two-byte form. */
    public static final int TWO_BYTE_MAX_LENGTH = 255;
    private static final int ONE_BYTE_STOP_ID = 15;

    private byte[] buf;
    private int start;
    private int end;
    private boolean twoByte;
    private int pos;
    private int elementOffset = -1;
    private int id;
    private int dataOffset;
    private int dataLength;
    private boolean malformed;

    /**
     * Positions the cursor before the first element of the packet's extension block.
     *
     * @return {@code false} when the packet has no extension or one with another profile
     */
    public boolean wrap(RtpPacket packet) {
        return wrap(packet.buffer(), packet.extensionDataOffset(), packet.extensionDataLength(),
                packet.extensionProfile());
    }

    /**
     * Positions the cursor before the first element of an extension block whose data (after the
     * 4-byte block header) is {@code buf[dataOff, dataOff+dataLen)}.
     */
    public boolean wrap(byte[] buf, int dataOff, int dataLen, int profile) {
        this.buf = null;
        if (!Bytes.inBounds(buf, dataOff, dataLen)) {
            return false;
        }
        if (profile == ONE_BYTE_PROFILE) {
            twoByte = false;
        } else if ((profile & TWO_BYTE_PROFILE_MASK) == TWO_BYTE_PROFILE) {
            twoByte = true;
        } else {
            return false;
        }
        this.buf = buf;
        this.start = dataOff;
        this.end = dataOff + dataLen;
        rewind();
        return true;
    }

    /** Moves the cursor back before the first element. */
    public void rewind() {
        pos = start;
        elementOffset = -1;
        malformed = false;
    }

    /** True for the two-byte form, false for the one-byte form. */
    public boolean isTwoByte() {
        return twoByte;
    }

    /**
     * Advances to the next element, skipping padding.
     *
     * @return {@code false} at the end of the block or when the next element is malformed
     */
    public boolean next() {
        elementOffset = -1;
        if (buf == null) {
            return false;
        }
        while (pos < end && (twoByte ? buf[pos] == 0 : (buf[pos] & 0xF0) == 0)) {
            pos++; // padding: an ID of 0 occupies one byte, its length nibble is ignored
        }
        if (pos >= end) {
            return false;
        }
        int elementStart = pos;
        int elementId;
        int n;
        int headerSize;
        if (twoByte) {
            if (pos + 2 > end) {
                malformed = true;
                return false;
            }
            elementId = buf[pos] & 0xFF;
            n = buf[pos + 1] & 0xFF;
            headerSize = 2;
        } else {
            elementId = (buf[pos] & 0xFF) >>> 4;
            if (elementId == ONE_BYTE_STOP_ID) {
                pos = end;
                return false;
            }
            n = (buf[pos] & 0x0F) + 1;
            headerSize = 1;
        }
        if (elementStart + headerSize + n > end) {
            malformed = true;
            return false;
        }
        elementOffset = elementStart;
        id = elementId;
        dataOffset = elementStart + headerSize;
        dataLength = n;
        pos = dataOffset + n;
        return true;
    }

    /**
     * Rewinds and scans for the element with local identifier {@code id}.
     *
     * @return {@code true} with the cursor on that element, else {@code false}
     */
    public boolean find(int id) {
        rewind();
        while (next()) {
            if (this.id == id) {
                return true;
            }
        }
        return false;
    }

    /** True when the last {@link #next()} stopped at an element running past the block. */
    public boolean malformed() {
        return malformed;
    }

    /** Local identifier of the current element. */
    public int id() {
        return id;
    }

    /** Absolute index in the wrapped buffer of the current element's data. */
    public int dataOffset() {
        return dataOffset;
    }

    /** Length of the current element's data. */
    public int dataLength() {
        return dataLength;
    }

    /** The wrapped buffer. */
    public byte[] buffer() {
        return buf;
    }

    /**
     * Overwrites the current element's data with {@code src[srcOff, srcOff+n)}.
     *
     * @return {@code false} when there is no current element or {@code n != dataLength()}
     */
    public boolean setData(byte[] src, int srcOff, int n) {
        if (elementOffset < 0 || n != dataLength || !Bytes.inBounds(src, srcOff, n)) {
            return false;
        }
        System.arraycopy(src, srcOff, buf, dataOffset, n);
        return true;
    }

    /**
     * Changes the current element's local identifier in place, e.g. to map a publisher's extmap
     * ID to a subscriber's.
     *
     * @return {@code false} when there is no current element or the ID is out of range for the form
     */
    public boolean setId(int newId) {
        if (elementOffset < 0 || newId < 1 || newId > (twoByte ? TWO_BYTE_MAX_ID : ONE_BYTE_MAX_ID)) {
            return false;
        }
        if (twoByte) {
            buf[elementOffset] = (byte) newId;
        } else {
            buf[elementOffset] = (byte) (newId << 4 | (buf[elementOffset] & 0x0F));
        }
        id = newId;
        return true;
    }

    /**
     * Replaces the current element (header and data) by padding bytes; the cursor then stands
     * before the following element.
     *
     * @return {@code false} when there is no current element
     */
    public boolean remove() {
        if (elementOffset < 0) {
            return false;
        }
        for (int i = elementOffset; i < dataOffset + dataLength; i++) {
            buf[i] = 0;
        }
        elementOffset = -1;
        return true;
    }
}
