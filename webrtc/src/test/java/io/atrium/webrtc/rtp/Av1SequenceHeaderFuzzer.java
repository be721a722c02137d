package io.atrium.webrtc.rtp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link Av1SequenceHeader#frameSize} (aggregation header, LEB128 element lengths, OBU header, sequence header): see {@link FrameSizeFuzzing} for what must hold. Corpus: the
 * real payloads of {@code FrameSizeTest} ({@code src/test/resources/io/atrium/webrtc/rtp/Av1SequenceHeaderFuzzerInputs/fuzz/}).
 */
public class Av1SequenceHeaderFuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        FrameSizeFuzzing.check(Av1SequenceHeader::frameSize, data.consumeRemainingAsBytes());
    }
}
