package io.atrium.server.sip.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The jitter buffer under clock drift: a slower sender is waited for, a faster one is caught up with. */
class JitterBufferTest {

    private final byte[] payload = {1, 2, 3};
    private final byte[] out = new byte[JitterBuffer.MAX_PAYLOAD];

    @Test
    void aSlowerSenderIsWaitedForSoNoPacketIsLost() {
        JitterBuffer b = new JitterBuffer(2);
        int seq = 100;
        int taken = 0;
        int sent = 0;
        for (int tick = 0; tick < 1000; tick++) {
            if (tick % 10 != 9) { // the sender makes 9 packets while the engine takes 10 frames
                b.put(seq++, payload, 0, payload.length);
                sent++;
            }
            if (b.take(out) > 0) {
                taken++;
            }
        }
        assertThat(taken).as("packets played").isGreaterThanOrEqualTo(sent - 3);
    }

    @Test
    void aFasterSenderKeepsTheDelayBounded() {
        JitterBuffer b = new JitterBuffer(2);
        int seq = 7;
        for (int tick = 0; tick < 1000; tick++) {
            b.put(seq++, payload, 0, payload.length);
            if (tick % 10 == 9) { // 11 packets per 10 frames
                b.put(seq++, payload, 0, payload.length);
            }
            b.take(out);
        }
        b.put(seq, payload, 0, payload.length);
        int frames = 0;
        while (b.take(out) > 0) {
            frames++;
        }
        assertThat(frames).as("frames buffered").isLessThanOrEqualTo(JitterBuffer.MAX_BEHIND * 2 + 2);
    }

    @Test
    void aStreamResumingAfterALongPauseIsHeardAgain() {
        JitterBuffer b = new JitterBuffer(2);
        for (int seq = 0; seq < 10; seq++) {
            b.put(seq, payload, 0, payload.length);
            b.take(out);
        }
        for (int tick = 0; tick < 500; tick++) {
            b.take(out); // muted: nothing arrives
        }
        b.put(5000, payload, 0, payload.length);
        int played = 0;
        for (int tick = 0; tick < 5; tick++) {
            played += b.take(out) > 0 ? 1 : 0;
        }
        assertThat(played).isEqualTo(1);
    }
}
