package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyframeDetectionTest {
    @ParameterizedTest(name = "H.264 {0}")
    @CsvSource({
        "single IDR,                    65 88 84 00,                          true",
        "single non-IDR slice,          41 9a 02 00,                          false",
        "single SPS,                    67 42 c0 1f,                          false",
        "STAP-A SPS PPS IDR,            78 00 02 67 42 00 02 68 ce 00 02 65 88, true",
        "STAP-A SPS PPS only,           78 00 02 67 42 00 02 68 ce,           false",
        "STAP-A size past end,          78 00 09 65 88,                       false",
        "STAP-A zero size,              78 00 00 00 02 65 88,                 false",
        "FU-A start of IDR,             7c 85 88 84,                          true",
        "FU-A middle of IDR,            7c 05 88 84,                          false",
        "FU-A start of non-IDR,         5c 81 9a 02,                          false",
        "FU-A without FU header,        7c,                                   false",
    })
    void detectsH264Keyframes(String name, String hex, boolean keyframe) {
        byte[] buf = Hex.bytes(hex);
        assertThat(H264Payload.isKeyframe(buf, 0, buf.length)).isEqualTo(keyframe);
    }

    @ParameterizedTest(name = "VP9 {0}")
    @CsvSource({
        "key frame start with 15-bit picture id,    88 80 01 00,    true",
        "inter frame (P=1),                         c8 80 01 00,    false",
        "not beginning of frame,                    80 80 01 00,    false",
        "key frame spatial layer 0,                 a8 80 01 00 00 00, true",
        "key frame spatial layer 1,                 a8 80 01 02 00 00, false",
        "descriptor without VP9 data,               a8 80 01 00 00, false",
        "layer byte missing,                        a8 80 01,       false",
        "picture id cut,                            88,             false",
    })
    void detectsVp9Keyframes(String name, String hex, boolean keyframe) {
        byte[] buf = Hex.bytes(hex);
        assertThat(Vp9PayloadDescriptor.isKeyframe(buf, 0, buf.length)).isEqualTo(keyframe);
    }

    @ParameterizedTest(name = "AV1 {0}")
    @CsvSource({
        "new coded video sequence,  18 0a,  true",
        "continuation,              10 32,  false",
        "header only,               18,     false",
    })
    void detectsAv1SequenceStart(String name, String hex, boolean keyframe) {
        byte[] buf = Hex.bytes(hex);
        assertThat(Av1AggregationHeader.isKeyframe(buf, 0, buf.length)).isEqualTo(keyframe);
    }
}
