package io.atrium.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.atrium.webrtc.FuzzTargets;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * This module's Jazzer targets, fuzzed together in the normal test run (see {@link FuzzTargets}); findings
 * land in {@code AllFuzzTargetsTestInputs/anyTarget/}. Long runs fuzz one target: docs/SECURITY.md.
 */
class AllFuzzTargetsTest {

    private static final FuzzTargets TARGETS = new FuzzTargets("io.atrium.server.sfu.NegotiatorFuzzer",
            "io.atrium.server.room.RpcParamsFuzzer", "io.atrium.server.files.MultipartFuzzer",
            "io.atrium.server.files.Mp4ProbeFuzzer", "io.atrium.server.files.MatroskaProbeFuzzer",
            "io.atrium.server.transport.Rfc4571Fuzzer", "io.atrium.server.sfu.bwe.FeedbackEstimatorFuzzer",
            "io.atrium.server.recording.TrackFileFuzzer", "io.atrium.server.sip.InfoDtmfFuzzer");

    static Stream<byte[]> seeds() {
        return TARGETS.seeds();
    }

    @MethodSource("seeds")
    @FuzzTest
    void anyTarget(byte[] input) throws Throwable {
        TARGETS.run(input);
    }
}
