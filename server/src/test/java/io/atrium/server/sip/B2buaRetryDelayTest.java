package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The delay before Atrium retries a re-INVITE that got 491 (RFC 3261 14.1). */
class B2buaRetryDelayTest {

    @Test
    void theCallIdsOwnerWaits2100To4000MsTheOther0To2000InStepsOf10() {
        for (int i = 0; i < 2000; i++) {
            long owner = B2bua.retryDelayMillis(true);
            long other = B2bua.retryDelayMillis(false);
            assertThat(owner).isBetween(2100L, 4000L);
            assertThat(other).isBetween(0L, 2000L);
            assertThat(owner % 10).isZero();
            assertThat(other % 10).isZero();
        }
    }
}
