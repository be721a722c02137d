package io.atrium.server.recording;

import java.io.IOException;
import java.io.OutputStream;

/**
 * IVF, the simple frame container ffmpeg reads for VP8, VP9 and AV1 (and, by its fourcc table, H.264 Annex B),
 * used as the intermediate file between depacketizing and {@code ffmpeg -c copy} (docs/RECORDING.md).
 * Little-endian:
 *
 * <pre>
 *  header (32 bytes): "DKIF" | u16 version 0 | u16 header size 32 | fourcc | u16 width | u16 height
 *                     | u32 time base denominator (rate) | u32 numerator (scale) | u32 frame count | u32 unused
 *  frame:             u32 size | u64 pts (time base units) | size bytes
 * </pre>
 *
 * Width, height and frame count are left 0: ffmpeg takes the size from the bitstream and counts frames itself,
 * so the file is written front to back and never patched.
 */
final class IvfWriter implements AutoCloseable {

    private final OutputStream out;
    private final byte[] scratch = new byte[32];

    IvfWriter(OutputStream out, String fourcc, int clockRate) throws IOException {
        this.out = out;
        scratch[0] = 'D';
        scratch[1] = 'K';
        scratch[2] = 'I';
        scratch[3] = 'F';
        le(4, 0, 2);
        le(6, 32, 2);
        for (int i = 0; i < 4; i++) {
            scratch[8 + i] = (byte) fourcc.charAt(i);
        }
        le(12, 0, 4);
        le(16, clockRate, 4);
        le(20, 1, 4);
        le(24, 0, 8);
        out.write(scratch, 0, 32);
    }

    void frame(long pts, byte[] data, int off, int len) throws IOException {
        le(0, len, 4);
        le(4, pts, 8);
        out.write(scratch, 0, 12);
        out.write(data, off, len);
    }

    private void le(int at, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            scratch[at + i] = (byte) (value >>> (8 * i));
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
