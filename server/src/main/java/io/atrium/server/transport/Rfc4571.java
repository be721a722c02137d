package io.atrium.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * RFC 4571 section 2 framing of RTP, RTCP, STUN and DTLS over a TCP connection (used by ICE-TCP,
 * RFC 6544): each packet is preceded by its length as a 16-bit big-endian number.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             LENGTH            |  packet (LENGTH bytes) ...    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Decoding is Netty's {@link LengthFieldBasedFrameDecoder}: it buffers at most one frame (65,535 bytes
 * plus the header) per connection and emits each whole packet without its length.
 */
public final class Rfc4571 {

    /** The largest packet the 16-bit length can announce. */
    public static final int MAX_FRAME = 0xFFFF;

    private Rfc4571() {
    }

    /** A new decoder for one connection (a decoder keeps per-connection state). */
    public static LengthFieldBasedFrameDecoder decoder() {
        // Netty compares the whole frame (length field included) with its limit, hence the 2.
        return new LengthFieldBasedFrameDecoder(MAX_FRAME + 2, 0, 2, 0, 2);
    }

    /** {@code buf[off, off+len)} framed: the length, then the bytes. */
    public static ByteBuf frame(ByteBufAllocator alloc, byte[] buf, int off, int len) {
        if (len > MAX_FRAME) {
            throw new IllegalArgumentException("an RFC 4571 frame holds at most " + MAX_FRAME + " bytes, got " + len);
        }
        ByteBuf out = alloc.directBuffer(len + 2);
        out.writeShort(len);
        out.writeBytes(buf, off, len);
        return out;
    }
}
