package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ForwardPathBenchmark} (and {@link ColdForwardRun}, which times its operation) must measure forwarding that
 * succeeds: every packet rewritten and protected for every subscriber (with temporal layers, the TL0 and TL1 half of
 * them), past the wrap of the 16-bit sequence numbers in and out (and so past the SRTP rollover counter's first step).
 */
class ForwardPathBenchmarkTest {

    @ParameterizedTest
    @CsvSource({"SRTP_AEAD_AES_128_GCM, false", "SRTP_AES128_CM_HMAC_SHA1_80, false", "SRTP_AEAD_AES_128_GCM, true"})
    void everyPacketReachesEverySubscriberProtected(String profile, boolean temporal) {
        ForwardPathBenchmark b = new ForwardPathBenchmark();
        b.subscribers = 3;
        b.profile = profile;
        b.temporal = temporal;
        b.setUp();
        assertThat(b.protectedPackets()).isZero();
        int packets = temporal ? 140_000 : 70_000; // more than 2^16 forwarded either way
        for (int i = 0; i < packets; i++) {
            b.forward();
        }
        long perSubscriber = temporal ? packets / 2 : packets;
        assertThat(b.protectedPackets()).isEqualTo(3 * perSubscriber);
    }
}
