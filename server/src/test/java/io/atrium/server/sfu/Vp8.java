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
}
