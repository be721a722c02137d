package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link RedPayload} (RFC 2198) on arbitrary RTP packets: nothing may throw;
 * a RED payload is refused or its blocks lie inside it, back to back and ending where it ends; rewriting the
 * blocks' payload types touches only their header bytes; {@link RedPayload#toPrimary} leaves a packet that wraps
 * again with the primary's bytes as its payload, and writes nothing outside the packet. Corpus:
 * {@code src/test/resources/io/atrium/webrtc/rtp/RedFuzzerInputs/fuzz/}.
 */
public class RedFuzzer {
    private static final int SHIFT = 3;
    private static final int GUARD = 5;

    private final RtpPacket packet = new RtpPacket();
    private final RedPayload red = new RedPayload();

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        check(data.consumeRemainingAsBytes());
    }

    private void check(byte[] input) {
        byte[] big = new byte[SHIFT + input.length + GUARD];
        Arrays.fill(big, (byte) 0x5A);
        System.arraycopy(input, 0, big, SHIFT, input.length);
        if (!packet.wrap(big, SHIFT, input.length)) {
            return;
        }
        int payload = packet.payloadOffset();
        int end = payload + packet.payloadLength();
        if (!red.wrap(big, payload, packet.payloadLength())) {
            return;
        }
        int n = red.blockCount();
        assertThat(n).isBetween(1, RedPayload.MAX_BLOCKS);
        int headers = 4 * (n - 1) + 1;
        int at = payload + headers;
        for (int i = 0; i < n; i++) {
            assertThat(red.dataOffset(i)).isEqualTo(at);
            assertThat(red.dataLength(i)).isNotNegative();
            at += red.dataLength(i);
            assertThat(red.payloadType(i)).isBetween(0, 127);
            assertThat(red.timestampOffset(i)).isBetween(0, (1 << 14) - 1);
        }
        assertThat(at).isEqualTo(end);
        byte[] before = big.clone();
        red.setPayloadTypes(0x55);
        for (int i = 0; i < big.length; i++) {
            boolean header = i >= payload && i < payload + headers;
            if (!header) {
                assertThat(big[i]).as("byte %d outside the block headers", i).isEqualTo(before[i]);
            }
        }
        byte[] primary = Arrays.copyOfRange(big, red.dataOffset(n - 1), end);
        int len = red.toPrimary(packet);
        assertThat(len).isEqualTo(payload - SHIFT + primary.length);
        assertThat(packet.payloadType()).isEqualTo(0x55);
        assertThat(Arrays.copyOfRange(big, packet.payloadOffset(), packet.payloadOffset() + packet.payloadLength())).isEqualTo(primary);
        assertThat(Arrays.copyOfRange(big, 0, SHIFT)).containsOnly(0x5A);
        assertThat(Arrays.copyOfRange(big, SHIFT + input.length, big.length)).containsOnly(0x5A);
    }
}
