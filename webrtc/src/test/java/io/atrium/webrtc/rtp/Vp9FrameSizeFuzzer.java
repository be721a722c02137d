package io.atrium.webrtc.rtp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link Vp9PayloadDescriptor#frameSize} (payload descriptor, scalability structure, key frame uncompressed header): see {@link FrameSizeFuzzing} for what must hold. Corpus: the
 * real payloads of {@code FrameSizeTest} ({@code src/test/resources/io/atrium/webrtc/rtp/Vp9FrameSizeFuzzerInputs/fuzz/}).
 */
public class Vp9FrameSizeFuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        FrameSizeFuzzing.check(Vp9PayloadDescriptor::frameSize, data.consumeRemainingAsBytes());
    }
}
