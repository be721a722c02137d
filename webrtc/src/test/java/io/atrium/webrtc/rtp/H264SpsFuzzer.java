package io.atrium.webrtc.rtp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link H264Sps#frameSize} (an SPS in a single NAL unit, STAP-A or FU-A; Exp-Golomb, emulation prevention, cropping): see {@link FrameSizeFuzzing} for what must hold. Corpus: the
 * real payloads of {@code FrameSizeTest} ({@code src/test/resources/io/atrium/webrtc/rtp/H264SpsFuzzerInputs/fuzz/}).
 */
public class H264SpsFuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        FrameSizeFuzzing.check(H264Sps::frameSize, data.consumeRemainingAsBytes());
    }
}
