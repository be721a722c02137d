package io.atrium.bench.load;

/**
 * Writes synthetic VP8 frames as RTP packets (RFC 7741): a 4-byte payload descriptor with a 15-bit picture id
 * and S=1 on a frame's first packet, then on that packet the VP8 payload header (section 4.3: 3-byte frame tag
 * with P=0 on key frames, then the key frame start code 9D 01 2A and the frame size) so SFUs detect key frames (and
 * a simulcast layer's size) as they
 * would from a browser; the rest is filler and the {@link Stamp}. The marker bit is set on a frame's last packet.
 */
public final class Vp8Packetizer {
    /** X=1, I=1, M=1: descriptor byte, extension byte, two picture id bytes. */
    public static final int DESCRIPTOR_LENGTH = 4;
    /** Frame tag (3) + start code (3) + width (2) + height (2). */
    public static final int KEYFRAME_HEADER_LENGTH = 10;
    /** Frame tag only. */
    public static final int DELTA_HEADER_LENGTH = 3;
    public static final int WIDTH = 640;
    public static final int HEIGHT = 480;

    private final int width;
    private final int height;

    /** Receives each packet written. */
    public interface Sink {
        void packet(byte[] buf, int len);
    }

    private int pictureId;

    /** Key frames of {@value #WIDTH}x{@value #HEIGHT}. */
    public Vp8Packetizer() {
        this(WIDTH, HEIGHT);
    }

    /** Key frames of {@code width}x{@code height} (14 bits each, no scaling bits). */
    public Vp8Packetizer(int width, int height) {
        if (width < 1 || height < 1 || width > 0x3FFF || height > 0x3FFF) {
            throw new IllegalArgumentException("VP8 frame size must be 1-16383 each way, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    /**
     * Writes one frame of {@code frameBytes} VP8 bytes on {@code stream} into {@code buf} packet by packet, handing
     * each to {@code sink}; advances the stream's RTP timestamp by {@code ticks} afterwards.
     *
     * @return packets written
     */
    public int frame(RtpStream stream, boolean keyframe, int frameBytes, int maxPayload, int ticks, byte[] buf,
                     long now, Window window, Sink sink) {
        int header = keyframe ? KEYFRAME_HEADER_LENGTH : DELTA_HEADER_LENGTH;
        int perPacket = maxPayload - DESCRIPTOR_LENGTH - Stamp.LENGTH;
        int total = Math.max(frameBytes, header);
        int packets = (total + perPacket - 1) / perPacket;
        int left = total;
        for (int i = 0; i < packets; i++) {
            int chunk = Math.min(left, perPacket);
            left -= chunk;
            boolean first = i == 0;
            int off = stream.begin(buf, i == packets - 1);
            buf[off] = (byte) (0x80 | (first ? 0x10 : 0));   // X, S, PID 0
            buf[off + 1] = (byte) 0x80;                      // I
            buf[off + 2] = (byte) (0x80 | pictureId >>> 8);  // M + picture id (15 bits)
            buf[off + 3] = (byte) pictureId;
            int body = off + DESCRIPTOR_LENGTH;
            int fill = body;
            if (first) {
                fill = writePayloadHeader(buf, body, keyframe);
            }
            int len = stream.finish(buf, body, fill, body + chunk + Stamp.LENGTH, now, window);
            sink.packet(buf, len);
        }
        pictureId = pictureId + 1 & 0x7FFF;
        stream.advance(ticks);
        return packets;
    }

    private int writePayloadHeader(byte[] buf, int off, boolean keyframe) {
        // frame tag, RFC 6386 section 9.1: size0 (3 bits) | show_frame | version (3) | P (inverse key frame flag)
        buf[off] = (byte) (keyframe ? 0x10 : 0x11);
        buf[off + 1] = 0x02;
        buf[off + 2] = 0x00;
        if (!keyframe) {
            return off + DELTA_HEADER_LENGTH;
        }
        buf[off + 3] = (byte) 0x9D;
        buf[off + 4] = 0x01;
        buf[off + 5] = 0x2A;
        buf[off + 6] = (byte) width;
        buf[off + 7] = (byte) (width >>> 8);
        buf[off + 8] = (byte) height;
        buf[off + 9] = (byte) (height >>> 8);
        return off + KEYFRAME_HEADER_LENGTH;
    }
}
