package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

/**
 * What every frame size reader must hold on any payload: it never throws, reads nothing outside
 * {@code buf[off, off+len)} (the input is read from an array of exactly its size, where a read past the end
 * throws, and again at an offset inside a larger one, with the same answer), and answers either
 * {@link FrameSize#NONE} or a size with both sides in 1..{@link FrameSize#MAX}.
 */
final class FrameSizeFuzzing {
    private static final int SHIFT = 3;
    private static final int GUARD = 5;

    /** A reader under test. */
    interface Reader {
        long frameSize(byte[] buf, int off, int len);
    }

    private FrameSizeFuzzing() {
    }

    static void check(Reader reader, byte[] input) {
        long size = reader.frameSize(input.clone(), 0, input.length);
        byte[] big = new byte[SHIFT + input.length + GUARD];
        Arrays.fill(big, (byte) 0xA5);
        System.arraycopy(input, 0, big, SHIFT, input.length);
        assertThat(reader.frameSize(big, SHIFT, input.length)).isEqualTo(size);
        if (size != FrameSize.NONE) {
            assertThat(FrameSize.width(size)).isBetween(1, FrameSize.MAX);
            assertThat(FrameSize.height(size)).isBetween(1, FrameSize.MAX);
        }
    }
}
