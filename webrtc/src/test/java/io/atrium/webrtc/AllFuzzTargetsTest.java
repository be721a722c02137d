package io.atrium.webrtc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * This module's Jazzer targets, fuzzed together in the normal test run (see {@link FuzzTargets}); findings
 * land in {@code AllFuzzTargetsTestInputs/anyTarget/}. Long runs fuzz one target: docs/SECURITY.md.
 */
class AllFuzzTargetsTest {

    private static final FuzzTargets TARGETS = new FuzzTargets("io.atrium.webrtc.stun.StunFuzzer",
            "io.atrium.webrtc.rtp.RtpFuzzer", "io.atrium.webrtc.rtcp.RtcpFuzzer", "io.atrium.webrtc.srtp.SrtpFuzzer",
            "io.atrium.webrtc.dtls.DtlsRecordFuzzer", "io.atrium.webrtc.sdp.SdpFuzzer",
            "io.atrium.webrtc.rtp.H264SpsFuzzer", "io.atrium.webrtc.rtp.Vp9FrameSizeFuzzer",
            "io.atrium.webrtc.rtp.Av1SequenceHeaderFuzzer", "io.atrium.webrtc.rtp.RedFuzzer",
            "io.atrium.webrtc.rtp.DependencyDescriptorFuzzer");

    static Stream<byte[]> seeds() {
        return TARGETS.seeds();
    }

    @MethodSource("seeds")
    @FuzzTest
    void anyTarget(byte[] input) throws Throwable {
        TARGETS.run(input);
    }
}
