package io.atrium.webrtc.rtp;

/**
 * A video frame size packed into one {@code long} (width in the high half, height in the low half), so the
 * payload readers ({@link H264Sps}, {@link Vp9PayloadDescriptor#frameSize}, {@link Av1SequenceHeader}) return
 * it without allocating. {@link #NONE} means the packet carries no size or a malformed one.
 */
public final class FrameSize {
    /** No size in this packet. */
    public static final long NONE = -1;
    /** The largest width or height any of the three codecs can signal (VP9's 16-bit {@code minus_1} fields). */
    public static final int MAX = 65536;

    private FrameSize() {
    }

    /** The packed size, or {@link #NONE} unless both sides are in 1..{@link #MAX}. */
    static long of(long width, long height) {
        if (width < 1 || height < 1 || width > MAX || height > MAX) {
            return NONE;
        }
        return width << 32 | height;
    }

    public static int width(long size) {
        return (int) (size >>> 32);
    }

    public static int height(long size) {
        return (int) size;
    }
}
