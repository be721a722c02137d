package io.atrium.bench;

import io.atrium.webrtc.srtp.SrtpProfile;
import io.atrium.webrtc.util.Bytes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmarks must measure the success path: a benchmark that silently returns an error code
 * (replayed index, failed tag) would report a flattering number. These tests drive each benchmark
 * method directly, past the sequence-number wrap and several unprotect ring passes.
 */
class BenchmarkFixturesTest {
    /** More than 2^16 packets, so the sender's ROC advances at least once. */
    private static final int PAST_SEQ_WRAP = 70_000;
    private static final int RING_PASSES = 3 * SrtpBenchmark.RING + 7;

    /** Every feedback message matches the packets just recorded, across a full cycle of sequence numbers. */
    @ParameterizedTest
    @ValueSource(ints = {16, 64})
    void bweFeedbackMatchesEveryReportedPacket(int packets) {
        BweFeedbackBenchmark b = new BweFeedbackBenchmark();
        b.packets = packets;
        b.setUp();
        int calls = b.messages.length + 100;
        for (int i = 0; i < calls; i++) {
            assertThat(b.feedback()).isPositive();
        }
        assertThat(b.estimator.feedbacks()).isEqualTo(calls);
        assertThat(b.estimator.ackedBps()).as("1200 B every ms received").isBetween(9_000_000L, 10_000_000L);
        assertThat(b.estimator.lossFraction()).isZero();
    }

    @ParameterizedTest
    @CsvSource({
            "SRTP_AES128_CM_HMAC_SHA1_80, 160", "SRTP_AES128_CM_HMAC_SHA1_80, 1200",
            "SRTP_AEAD_AES_128_GCM, 160", "SRTP_AEAD_AES_128_GCM, 1200"})
    void srtpProtectSucceedsOnEveryCallAcrossTheSequenceWrap(SrtpProfile profile, int payloadSize) {
        SrtpBenchmark b = srtp(profile, payloadSize);
        for (int i = 0; i < PAST_SEQ_WRAP; i++) {
            assertThat(b.protect()).as("protect #%d", i).isEqualTo(b.protectedLength);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "SRTP_AES128_CM_HMAC_SHA1_80, 160", "SRTP_AES128_CM_HMAC_SHA1_80, 1200",
            "SRTP_AEAD_AES_128_GCM, 160", "SRTP_AEAD_AES_128_GCM, 1200"})
    void srtpUnprotectRecoversThePayloadOnEveryRingPass(SrtpProfile profile, int payloadSize) {
        SrtpBenchmark b = srtp(profile, payloadSize);
        byte[] payload = Fixtures.bytes(payloadSize, 3);
        for (int i = 0; i < RING_PASSES; i++) {
            assertThat(b.unprotect()).as("unprotect #%d", i).isEqualTo(b.plainLength);
            assertThat(Arrays.copyOfRange(b.receiveBuf, SrtpBenchmark.HEADER, b.plainLength)).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {160, 1200})
    void jdkGcmSealsAndOpens(int payloadSize) throws Exception {
        JdkGcmBaseline b = new JdkGcmBaseline();
        b.payloadSize = payloadSize;
        b.setUp();
        for (int i = 0; i < 1000; i++) {
            assertThat(b.seal()).isEqualTo(payloadSize + 16);
        }
        byte[] payload = Fixtures.bytes(payloadSize, 3);
        for (int i = 0; i < RING_PASSES; i++) {
            assertThat(b.open()).isEqualTo(payloadSize);
            assertThat(Arrays.copyOfRange(b.receiveBuf, SrtpBenchmark.HEADER, b.plainLength)).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {160, 1200})
    void jdkCtrHmacProtectsAndUnprotects(int payloadSize) throws Exception {
        JdkCtrHmacBaseline b = new JdkCtrHmacBaseline();
        b.payloadSize = payloadSize;
        b.setUp();
        for (int i = 0; i < 1000; i++) {
            assertThat(b.protect()).isEqualTo(b.protectedLength);
        }
        byte[] payload = Fixtures.bytes(payloadSize, 3);
        for (int i = 0; i < RING_PASSES; i++) {
            assertThat(b.unprotect()).isEqualTo(b.plainLength);
            assertThat(Arrays.copyOfRange(b.receiveBuf, SrtpBenchmark.HEADER, b.plainLength)).isEqualTo(payload);
        }
    }

    @Test
    void rtpBenchmarkDecodesAllThreeChromeExtensions() {
        RtpParseBenchmark b = new RtpParseBenchmark();
        b.setUp();
        int fixed = 0x4D2E ^ 0x3A8F_1C00 ^ RtpParseBenchmark.SSRC ^ RtpParseBenchmark.VP8_PT;
        assertThat(b.wrap()).isEqualTo(fixed ^ (RtpParseBenchmark.PACKET_LENGTH - 28));
        // abs-send-time value, transport-cc seq << 8, and 1 for "mid matched"
        assertThat(b.wrapAndExtensions()).isEqualTo(fixed ^ 0x2F_1A3B ^ (0x1C5 << 8) ^ 1);
    }

    @Test
    void rtpForwardRewritesTheCopyAndLeavesTheSourceAlone() {
        RtpParseBenchmark b = new RtpParseBenchmark();
        b.setUp();
        byte[] source = b.packet.clone();
        for (int i = 1; i <= 3; i++) {
            b.forward();
            assertThat(Bytes.i32(b.scratch, 8)).isEqualTo(RtpParseBenchmark.SUBSCRIBER_SSRC);
            assertThat(b.scratch[1] & 0x7F).isEqualTo(RtpParseBenchmark.SUBSCRIBER_PT);
            assertThat(Bytes.u16(b.scratch, 2)).isEqualTo(0x4D2E + i);
            assertThat(Bytes.i32(b.scratch, 4)).isEqualTo(0x3A8F_1C00 + 3000 * i);
            assertThat(Arrays.copyOfRange(b.scratch, 12, RtpParseBenchmark.PACKET_LENGTH))
                    .isEqualTo(Arrays.copyOfRange(source, 12, RtpParseBenchmark.PACKET_LENGTH));
        }
        assertThat(b.packet).isEqualTo(source);
    }

    @Test
    void rtpRewriteInPlaceChangesTheHeaderEveryCall() {
        RtpParseBenchmark b = new RtpParseBenchmark();
        b.setUp();
        b.rewriteInPlace();
        int first = Bytes.u16(b.packet, 2);
        b.rewriteInPlace();
        assertThat(Bytes.i32(b.packet, 8)).isEqualTo(RtpParseBenchmark.SUBSCRIBER_SSRC);
        assertThat(Bytes.u16(b.packet, 2)).isEqualTo((first + 2) & 0xFFFF);
    }

    private static SrtpBenchmark srtp(SrtpProfile profile, int payloadSize) {
        SrtpBenchmark b = new SrtpBenchmark();
        b.profile = profile;
        b.payloadSize = payloadSize;
        b.setUp();
        return b;
    }
}
