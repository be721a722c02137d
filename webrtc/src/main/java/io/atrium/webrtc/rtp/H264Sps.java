package io.atrium.webrtc.rtp;

import io.atrium.webrtc.util.Bytes;

/**
 * The frame size an H.264 sequence parameter set (ITU-T H.264 section 7.3.2.1.1) announces, found in an
 * RTP payload (RFC 6184): a single SPS NAL unit, an SPS inside a STAP-A (section 5.7.1), or the first FU-A
 * fragment of one (section 5.8, read as far as it goes).
 *
 * <pre>
 * profile_idc u(8) | constraint flags u(8) | level_idc u(8) | seq_parameter_set_id ue
 * [high profiles: chroma_format_idc ue, (=3: separate_colour_plane u(1)), bit depths ue ue,
 *                 transform bypass u(1), scaling matrices u(1) + lists]
 * log2_max_frame_num_minus4 ue | pic_order_cnt_type ue + its fields | max_num_ref_frames ue | gaps u(1)
 * pic_width_in_mbs_minus1 ue | pic_height_in_map_units_minus1 ue | frame_mbs_only u(1) | (0: mbaff u(1))
 * direct_8x8_inference u(1) | frame_cropping u(1) | (1: left right top bottom ue)
 * </pre>
 * width = 16 * mbs - CropUnitX * (left + right), height = 16 * map units * (2 - frame_mbs_only) -
 * CropUnitY * (top + bottom) (equations 7-19 to 7-22). Allocation: one bit reader, only for a packet with an SPS.
 */
public final class H264Sps {
    private static final int MAX_POC_CYCLE = 255;
    private static final int MAX_MBS = 4096;

    private H264Sps() {
    }

    /** The size announced by an SPS in RTP payload {@code buf[off, off+len)}, or {@link FrameSize#NONE}. */
    public static long frameSize(byte[] buf, int off, int len) {
        int type = H264Payload.nalType(buf, off, len);
        if (type == H264Payload.NAL_SPS) {
            return parse(buf, off + 1, len - 1);
        }
        if (type == H264Payload.NAL_FU_A) {
            boolean start = len >= 2 && (buf[off + 1] & 0x80) != 0;
            return start && (buf[off + 1] & 0x1F) == H264Payload.NAL_SPS ? parse(buf, off + 2, len - 2) : FrameSize.NONE;
        }
        if (type == H264Payload.NAL_STAP_A) {
            int pos = 1;
            while (pos + 2 < len) {
                int size = Bytes.u16(buf, off + pos);
                pos += 2;
                if (size == 0 || pos + size > len) {
                    return FrameSize.NONE;
                }
                if ((buf[off + pos] & 0x1F) == H264Payload.NAL_SPS) {
                    return parse(buf, off + pos + 1, size - 1);
                }
                pos += size;
            }
        }
        return FrameSize.NONE;
    }

    /** The size an SPS announces, from the bytes after its NAL header (emulation prevention still in place). */
    static long parse(byte[] buf, int off, int len) {
        if (len < 4 || !Bytes.inBounds(buf, off, len)) {
            return FrameSize.NONE;
        }
        BitReader r = BitReader.rbsp(buf, off, len);
        int profile = r.u(8);
        r.bits(16); // constraint flags, level_idc
        r.ue(); // seq_parameter_set_id
        long chromaFormat = 1;
        boolean separatePlanes = false;
        if (highProfile(profile)) {
            chromaFormat = r.ue();
            if (chromaFormat == 3) {
                separatePlanes = r.bit() == 1;
            }
            r.ue(); // bit_depth_luma_minus8
            r.ue(); // bit_depth_chroma_minus8
            r.bit(); // qpprime_y_zero_transform_bypass_flag
            if (r.bit() == 1) {
                skipScalingMatrices(r, chromaFormat != 3 ? 8 : 12);
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        long pocType = r.ue();
        if (pocType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            r.bit(); // delta_pic_order_always_zero_flag
            r.se(); // offset_for_non_ref_pic
            r.se(); // offset_for_top_to_bottom_field
            long cycle = r.ue();
            if (cycle > MAX_POC_CYCLE) {
                return FrameSize.NONE;
            }
            for (long i = 0; i < cycle && !r.overrun(); i++) {
                r.se();
            }
        }
        r.ue(); // max_num_ref_frames
        r.bit(); // gaps_in_frame_num_value_allowed_flag
        long widthMbs = r.ue() + 1;
        long heightMapUnits = r.ue() + 1;
        int frameMbsOnly = r.bit();
        if (frameMbsOnly == 0) {
            r.bit(); // mb_adaptive_frame_field_flag
        }
        r.bit(); // direct_8x8_inference_flag
        long cropLeft = 0;
        long cropRight = 0;
        long cropTop = 0;
        long cropBottom = 0;
        if (r.bit() == 1) {
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        if (r.overrun() || chromaFormat > 3 || widthMbs > MAX_MBS || heightMapUnits > MAX_MBS) {
            return FrameSize.NONE;
        }
        long chromaArrayType = separatePlanes ? 0 : chromaFormat;
        long cropUnitX = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
        long cropUnitY = (chromaArrayType == 1 ? 2 : 1) * (2 - frameMbsOnly);
        return FrameSize.of(widthMbs * 16 - cropUnitX * (cropLeft + cropRight),
                heightMapUnits * 16 * (2 - frameMbsOnly) - cropUnitY * (cropTop + cropBottom));
    }

    /** Profiles whose SPS carries chroma format, bit depths and scaling matrices (section 7.3.2.1.1). */
    private static boolean highProfile(int profile) {
        return switch (profile) {
            case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
            default -> false;
        };
    }

    /** scaling_list() (section 7.3.2.1.1.1) for each present list: 6 of 16 entries, the rest of 64. */
    private static void skipScalingMatrices(BitReader r, int lists) {
        for (int i = 0; i < lists && !r.overrun(); i++) {
            if (r.bit() == 0) {
                continue;
            }
            int size = i < 6 ? 16 : 64;
            long last = 8;
            long next = 8;
            for (int j = 0; j < size && !r.overrun(); j++) {
                if (next != 0) {
                    next = (last + r.se() + 256) % 256;
                }
                last = next == 0 ? last : next;
            }
        }
    }
}
