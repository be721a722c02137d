package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Frame sizes read from real bitstreams: the sequence parameter sets, VP9 key frame headers and AV1 sequence
 * headers below are the first bytes ffmpeg 5.1 (libx264, libvpx-vp9, libaom, SVT-AV1) wrote for a one-frame
 * test pattern of the named size, e.g. {@code ffmpeg -f lavfi -i testsrc=size=642x362 -frames:v 1
 * -pix_fmt yuv420p -c:v libx264 -profile:v high -f h264 out.h264}; they are wrapped here in the RTP payload
 * shapes each packetizer uses. Expected {@code 0x0} means {@link FrameSize#NONE}.
 */
class FrameSizeTest {
    /** libx264 high, 642x362: cropping right 6 and bottom 6 (units of 2), an emulation prevention byte. */
    private static final String SPS_HIGH_642X362 = "67640016acd940a42fe224c044000003000400000300503c58b658";
    /** libx264 constrained baseline, 1280x720: no high-profile fields, no cropping. */
    private static final String SPS_BASELINE_1280X720 = "6742c01fd9005005bb011000000300100000030140f1832480";
    /** libx264 high 4:4:4, 320x180: chroma_format_idc 3, so the crop unit is one sample. */
    private static final String SPS_444_320X180 = "67f4000c919b282833f1b80880000003008000000a078a14cb";
    /** libx264 interlaced, 640x480: frame_mbs_only_flag 0, heights in field macroblock pairs. */
    private static final String SPS_INTERLACED_640X480 = "67640016acd940a07b6022000003000200000300283e28532c";
    private static final String PPS = "68ebe3cb22c0";

    @ParameterizedTest(name = "H.264 {0}")
    @CsvSource({
        "single NAL high 642x362 (cropped),   " + SPS_HIGH_642X362 + ",                      642x362",
        "single NAL baseline 1280x720,        " + SPS_BASELINE_1280X720 + ",                 1280x720",
        "single NAL high 4:4:4 320x180,       " + SPS_444_320X180 + ",                       320x180",
        "single NAL interlaced 640x480,       " + SPS_INTERLACED_640X480 + ",                640x480",
        "STAP-A SPS PPS IDR,                  78 001b " + SPS_HIGH_642X362 + " 0006 " + PPS + " 0002 6588, 642x362",
        "STAP-A PPS then SPS,                 78 0006 " + PPS + " 0019 " + SPS_BASELINE_1280X720 + ", 1280x720",
        "FU-A start of an SPS,                7c 87 640016acd940a42fe224c044000003000400000300503c58b658, 642x362",
        "FU-A middle of an SPS,               7c 07 640016acd940a42fe224c044000003000400000300503c58b658, 0x0",
        "SPS cut after the level,             67640016,                                      0x0",
        "SPS cut before the cropping,         67640016acd940a42fe2,                          0x0",
        "PPS only,                            " + PPS + ",                                   0x0",
        "IDR slice,                           65888400,                                      0x0",
        "STAP-A with a size past the end,     78 0040 " + SPS_HIGH_642X362 + ",              0x0",
        "FU-A without its header,             7c,                                            0x0",
        "empty SPS,                           67,                                            0x0",
        "Exp-Golomb prefix over 31 zeros,     6764001600000000000000,                        0x0",
    })
    void h264SequenceParameterSets(String name, String hex, String size) {
        byte[] buf = Hex.bytes(hex);
        assertThat(format(H264Sps.frameSize(buf, 0, buf.length))).isEqualTo(size);
    }

    /** libvpx-vp9 profile 0 4:2:0, 642x362. */
    private static final String VP9_KEY_642X362 = "8249834200281016960c38241c184a1005c07fd1fa3e8fe7";
    /** libvpx-vp9 profile 1 4:4:4, 320x240: subsampling bits before the size. */
    private static final String VP9_KEY_444_320X240 = "a249834200027e01dec107048383094001667fd5ec7f3b8f";

    @ParameterizedTest(name = "VP9 {0}")
    @CsvSource({
        "key frame header after a 15-bit picture id,     88 8001 " + VP9_KEY_642X362 + ",          642x362",
        "profile 1 key frame header,                     88 8001 " + VP9_KEY_444_320X240 + ",      320x240",
        "non-flexible with layer index and TL0PICIDX,    a8 8001 00 05 " + VP9_KEY_642X362 + ",    642x362",
        "no picture id,                                  08 " + VP9_KEY_642X362 + ",               642x362",
        "scalability structure: the largest of 2 layers, 8a 8001 30 0140 00b4 0280 0168 " + VP9_KEY_642X362 + ", 640x360",
        "scalability structure on an inter frame,        ca 8001 10 0500 02d0 00,                  1280x720",
        "structure with groups and no sizes,             8a 8001 08 01 04 01 " + VP9_KEY_642X362 + ", 642x362",
        "inter frame,                                    c8 8001 " + VP9_KEY_642X362 + ",          0x0",
        "not the beginning of a frame,                   80 8001 " + VP9_KEY_642X362 + ",          0x0",
        "key frame of spatial layer 1,                   a8 8001 02 05 " + VP9_KEY_642X362 + ",    0x0",
        "flexible mode reference indices,                f8 8001 00 03 03 02 " + VP9_KEY_642X362 + ", 0x0",
        "bad sync code,                                  88 8001 8249834300281016960c38241c18,    0x0",
        "show existing frame,                            88 8001 8849834200281016960c38241c18,    0x0",
        "header cut in the width,                        88 8001 82498342002810,                  0x0",
        "structure sizes cut,                            8a 8001 30 0140 00b4 0280,               0x0",
        "descriptor only,                                88 80,                                   0x0",
    })
    void vp9KeyFramesAndScalabilityStructures(String name, String hex, String size) {
        byte[] buf = Hex.bytes(hex);
        assertThat(format(Vp9PayloadDescriptor.frameSize(buf, 0, buf.length))).isEqualTo(size);
    }

    /** libaom, 642x362: the sequence header OBU with its size field (0a 0b) as ffmpeg's OBU muxer writes it. */
    private static final String AV1_SEQ_642X362 = "0a0b0000000cc5036936be4010";
    /** SVT-AV1, 1280x720: the same OBU without its size field, as RTP packetizers write it. */
    private static final String AV1_SEQ_1280X720_NO_SIZE = "080000002d4cffb3cfbf9004";

    @ParameterizedTest(name = "AV1 {0}")
    @CsvSource({
        "one element (W=1) with a size field,            18 " + AV1_SEQ_642X362 + ",                   642x362",
        "every element with a length (W=0),              08 0d " + AV1_SEQ_642X362 + ",                642x362",
        "length then the last element (W=2),             28 0c " + AV1_SEQ_1280X720_NO_SIZE + " 30 00, 1280x720",
        "temporal delimiter first (W=3),                 38 01 10 0c " + AV1_SEQ_1280X720_NO_SIZE + " 30 00, 1280x720",
        "after a continued fragment (Z=1 W=2),           a0 02 3000 " + AV1_SEQ_1280X720_NO_SIZE + ",  1280x720",
        "a continued fragment is not a header (Z=1 W=1), 90 " + AV1_SEQ_642X362 + ",                   0x0",
        "sequence header cut (Y=1),                      58 0a0b0000000cc5,                            0x0",
        "frame OBU only,                                 10 3000,                                      0x0",
        "element length past the end,                    08 7f " + AV1_SEQ_642X362 + ",                0x0",
        "LEB128 longer than 8 bytes,                     08 ffffffffffffffffff01,                      0x0",
        "aggregation header only,                        18,                                           0x0",
    })
    void av1SequenceHeaders(String name, String hex, String size) {
        byte[] buf = Hex.bytes(hex);
        assertThat(format(Av1SequenceHeader.frameSize(buf, 0, buf.length))).isEqualTo(size);
    }

    private static String format(long size) {
        return size == FrameSize.NONE ? "0x0" : FrameSize.width(size) + "x" + FrameSize.height(size);
    }
}
