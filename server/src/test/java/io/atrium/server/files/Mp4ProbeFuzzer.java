package io.atrium.server.files;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link Mp4Probe} (ISO/IEC 14496-12 boxes: ftyp, moov/mvhd, trak/mdhd,
 * moof/traf for fragmented files). Corpus: the MP4 and QuickTime clips of {@code src/test/resources/media}.
 * See {@link ContainerProbeFuzzer} for what is checked.
 */
public class Mp4ProbeFuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) throws IOException {
        ContainerProbeFuzzer.check(Mp4Probe::probe, data.consumeRemainingAsBytes());
    }
}
