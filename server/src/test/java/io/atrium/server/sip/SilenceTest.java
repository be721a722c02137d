package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Silence}: over only after the timeout without a new packet, never while the side holds, afresh after it resumes. */
class SilenceTest {

    static final long TIMEOUT = 1_000;

    @Test
    void aSideIsSilentOnlyOnceNoPacketCameForLongerThanTheTimeout() {
        Silence s = new Silence(5, 0);
        assertThat(s.over(5, false, TIMEOUT, TIMEOUT)).isFalse();
        assertThat(s.over(6, false, TIMEOUT + 1, TIMEOUT)).as("a packet came").isFalse();
        assertThat(s.over(6, false, 2 * TIMEOUT + 1, TIMEOUT)).isFalse();
        assertThat(s.over(6, false, 2 * TIMEOUT + 2, TIMEOUT)).isTrue();
    }

    @Test
    void holdingStopsTheClockAndResumingStartsItAfresh() {
        Silence s = new Silence(5, 0);
        assertThat(s.over(5, true, 10 * TIMEOUT, TIMEOUT)).as("holding").isFalse();
        assertThat(s.over(5, false, 11 * TIMEOUT, TIMEOUT)).as("resumed a timeout ago").isFalse();
        assertThat(s.over(5, false, 11 * TIMEOUT + 1, TIMEOUT)).isTrue();
    }
}
