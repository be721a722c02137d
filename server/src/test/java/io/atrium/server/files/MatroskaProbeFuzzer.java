package io.atrium.server.files;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link MatroskaProbe} (RFC 9559 EBML: Segment, Info, Duration,
 * TimestampScale, Clusters of live files). Corpus: the WebM and Matroska clips of
 * {@code src/test/resources/media}. See {@link ContainerProbeFuzzer} for what is checked.
 */
public class MatroskaProbeFuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) throws IOException {
        ContainerProbeFuzzer.check(MatroskaProbe::probe, data.consumeRemainingAsBytes());
    }
}
