package io.atrium.server.sfu;

/** VP8 RTP payloads for tests (RFC 7741 section 4.2 descriptor, RFC 6386 section 9.1 frame header). */
final class Vp8 {

    private Vp8() {
    }

    /** A keyframe payload: descriptor with a 15-bit picture id, then a key frame header of {@code width}×{@code height}. */
    static byte[] keyframe(int pictureId, int width, int height) {
        return new byte[] {(byte) 0x90, (byte) 0x80, (byte) (0x80 | pictureId >> 8), (byte) pictureId,
            0x00, 0x00, 0x00, (byte) 0x9d, 0x01, 0x2a, (byte) width, (byte) (width >> 8), (byte) height, (byte) (height >> 8)};
    }

    /** An interframe payload with a 15-bit picture id. */
    static byte[] delta(int pictureId) {
        return new byte[] {(byte) 0x90, (byte) 0x80, (byte) (0x80 | pictureId >> 8), (byte) pictureId, 0x01, 0x00, 0x00, 0x00};
    }

    /**
     * A payload of a stream with temporal layers, as Chrome sends VP8 simulcast: 15-bit picture id, TL0PICIDX,
     * TID and Y bit; {@code start}: the frame's first packet (S=1); a keyframe is 640x360.
     */
    static byte[] temporal(int pictureId, int tl0, int tid, boolean sync, boolean start, boolean key) {
        byte[] head = {(byte) (start ? 0x90 : 0x80), (byte) 0xE0, (byte) (0x80 | pictureId >> 8), (byte) pictureId, (byte) tl0,
            (byte) (tid << 6 | (sync ? 0x20 : 0))};
        byte[] body = key ? new byte[] {0x00, 0x00, 0x00, (byte) 0x9d, 0x01, 0x2a, (byte) 0x80, 0x02, 0x68, 0x01}
                : new byte[] {0x01, 0x00, 0x00, 0x00};
        byte[] out = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }
}
