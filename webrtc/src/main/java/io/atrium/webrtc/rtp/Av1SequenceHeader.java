package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * The maximum frame size an AV1 sequence header OBU (AV1 specification section 5.5) announces, found in an
 * RTP payload (AV1 RTP Payload Format section 4): the aggregation header, then OBU elements, each with a
 * LEB128 length except the last when W is 1..3; with Z=1 the first element continues an earlier OBU.
 *
 * <pre>
 * aggregation header |Z|Y| W |N|-|-|-|    OBU header |0| type(4) |X|S|-|  [X: extension byte] [S: leb128 size]
 * sequence_header_obu (type 1):
 *   seq_profile(3) still_picture(1) reduced_still_picture_header(1)
 *   reduced: seq_level_idx(5)
 *   else:    timing_info_present(1) [num_units(32) time_scale(32) equal_interval(1) [uvlc]
 *              decoder_model_info_present(1) [buffer_delay_len-1(5) tick(32) removal_len-1(5) presentation_len-1(5)]]
 *            initial_display_delay_present(1) operating_points_cnt-1(5)
 *            per point: idc(12) seq_level_idx(5) [>7: tier(1)] [decoder model: present(1) [2 x delay(n) low_delay(1)]]
 *                       [initial display delay: present(1) [delay-1(4)]]
 *   frame_width_bits-1(4) frame_height_bits-1(4) max_frame_width-1(n) max_frame_height-1(n)
 * </pre>
 * Allocation: one bit reader, only for a packet with a sequence header.
 */
public final class Av1SequenceHeader {
    private static final int OBU_SEQUENCE_HEADER = 1;

    private Av1SequenceHeader() {
    }

    /** The size announced by a sequence header OBU in RTP payload {@code buf[off, off+len)}, or {@link FrameSize#NONE}. */
    public static long frameSize(byte[] buf, int off, int len) {
        if (len < 2 || !Bytes.inBounds(buf, off, len)) {
            return FrameSize.NONE;
        }
        boolean continuation = Av1AggregationHeader.continuesObu(buf[off]);
        int count = Av1AggregationHeader.elementCount(buf[off]);
        int pos = off + 1;
        int end = off + len;
        for (int element = 1; pos < end; element++) {
            long e = Av1AggregationHeader.element(buf, pos, end, Av1AggregationHeader.isLast(count, element));
            if (e < 0) {
                return FrameSize.NONE;
            }
            pos = Av1AggregationHeader.start(e);
            int size = Av1AggregationHeader.size(e);
            if (!(continuation && element == 1) && size > 0 && ((buf[pos] >>> 3) & 0x0F) == OBU_SEQUENCE_HEADER) {
                return obu(buf, pos, size);
            }
            pos += size;
            if (count != 0 && element >= count) {
                break;
            }
        }
        return FrameSize.NONE;
    }

    /** The sequence header OBU at {@code buf[pos, pos+size)}, its OBU header included. */
    private static long obu(byte[] buf, int pos, int size) {
        int end = pos + size;
        int obuHeader = buf[pos++] & 0xFF;
        if ((obuHeader & 0x04) != 0) {
            pos++;
        }
        if ((obuHeader & 0x02) != 0) {
            long leb = Av1AggregationHeader.leb128(buf, pos, end);
            if (leb < 0) {
                return FrameSize.NONE;
            }
            pos += (int) (leb >>> 32);
            end = (int) Math.min(end, pos + (leb & 0xFFFFFFFFL));
        }
        return pos < end ? parse(BitReader.of(buf, pos, end - pos)) : FrameSize.NONE;
    }

    private static long parse(BitReader r) {
        r.bits(4); // seq_profile, still_picture
        if (r.bit() == 1) { // reduced_still_picture_header
            r.bits(5);
        } else {
            boolean decoderModel = false;
            int delayLength = 0;
            if (r.bit() == 1) { // timing_info_present_flag
                r.bits(32);
                r.bits(32);
                if (r.bit() == 1) {
                    r.skipUvlc();
                }
                decoderModel = r.bit() == 1;
                if (decoderModel) {
                    delayLength = r.u(5) + 1;
                    r.bits(32);
                    r.bits(10);
                }
            }
            boolean displayDelay = r.bit() == 1;
            int points = r.u(5) + 1;
            for (int i = 0; i < points && !r.overrun(); i++) {
                r.bits(12); // operating_point_idc
                if (r.u(5) > 7) { // seq_level_idx
                    r.bit(); // seq_tier
                }
                if (decoderModel && r.bit() == 1) {
                    r.bits(delayLength);
                    r.bits(delayLength);
                    r.bit();
                }
                if (displayDelay && r.bit() == 1) {
                    r.bits(4);
                }
            }
        }
        int widthBits = r.u(4) + 1;
        int heightBits = r.u(4) + 1;
        long width = r.bits(widthBits) + 1;
        long height = r.bits(heightBits) + 1;
        return r.overrun() ? FrameSize.NONE : FrameSize.of(width, height);
    }
}
