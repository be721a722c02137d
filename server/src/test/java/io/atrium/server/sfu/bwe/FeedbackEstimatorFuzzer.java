package io.atrium.server.sfu.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.atrium.webrtc.rtcp.TransportCcFeedback;

/**
 * Coverage-guided fuzzing (Jazzer) of the estimator on whatever transport-cc feedback a subscriber sends
 * (the reader itself is fuzzed by webrtc's {@code RtcpFuzzer}): a history of 2,000 sent packets, then
 * fuzzer-chosen feedback bodies behind a valid RTPFB/FMT 15 header (or raw bytes), read at fuzzer-chosen
 * times. Nothing may throw; the estimate stays within its limits, the loss fraction within [0, 1].
 * Corpus: {@code FeedbackEstimatorFuzzerInputs/fuzz/}.
 */
public class FeedbackEstimatorFuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        SendHistory history = new SendHistory();
        BandwidthEstimator estimator = new BandwidthEstimator(BandwidthEstimator.Limits.DEFAULT);
        TransportCcFeedback reader = new TransportCcFeedback();
        for (int i = 0; i < 2000; i++) {
            history.sent(i * 1000L, 1200);
        }
        long now = 2_000_000;
        while (data.remainingBytes() > 0) {
            now += data.consumeInt(0, 1_000_000);
            byte[] packet;
            if (data.consumeBoolean()) {
                packet = data.consumeBytes(data.consumeInt(0, 1500));
            } else {
                byte[] body = data.consumeBytes(4 * data.consumeInt(3, 300));
                packet = new byte[4 + body.length];
                packet[0] = (byte) 0x8F; // V=2, FMT=15
                packet[1] = (byte) 205; // RTPFB
                packet[2] = (byte) ((packet.length / 4 - 1) >> 8);
                packet[3] = (byte) (packet.length / 4 - 1);
                System.arraycopy(body, 0, packet, 4, body.length);
            }
            if (reader.wrap(packet, 0, packet.length)) {
                estimator.onFeedback(reader, history, now);
            }
            assertThat(estimator.estimate()).isBetween(BandwidthEstimator.Limits.DEFAULT.minBps(),
                    BandwidthEstimator.Limits.DEFAULT.maxBps());
            assertThat(estimator.lossFraction()).isBetween(0.0, 1.0);
            assertThat(estimator.ackedBps()).isGreaterThanOrEqualTo(-1);
        }
    }
}
