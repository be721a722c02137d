package io.atrium.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.ManualClock;
import org.junit.jupiter.api.Test;

class FailureLimiterTest {

    final ManualClock clock = new ManualClock(7_000_000);

    @Test
    void aFloodOfKeysNeverLiftsABlock() {
        FailureLimiter limiter = new FailureLimiter(clock, 60, 100);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.fail("guesser", 3)).isZero();
        }
        assertThat(limiter.retryAfterSeconds("guesser", 3)).isEqualTo(60);
        for (int i = 0; i < 1000; i++) { // ten times the table's room, from as many addresses
            clock.advance(10);
            limiter.failed("flood-" + i);
        }
        assertThat(limiter.retryAfterSeconds("guesser", 3)).as("still blocked").isPositive();
        assertThat(limiter.retryAfterSeconds("flood-1", 3)).as("a tracked key may go on").isZero();
        assertThat(limiter.fail("newcomer", 3)).as("the table is full: a new key is refused, not forgotten")
                .isPositive();
        clock.advance(60_000);
        assertThat(limiter.retryAfterSeconds("guesser", 3)).isZero();
        assertThat(limiter.fail("newcomer", 3)).as("windows ended: room again").isZero();
    }

    @Test
    void aGuessCountedAheadIsGivenBack() {
        FailureLimiter limiter = new FailureLimiter(clock, 60);
        assertThat(limiter.fail("a", 2)).isZero();
        assertThat(limiter.fail("a", 2)).isZero();
        assertThat(limiter.fail("a", 2)).as("two in flight use up the budget").isEqualTo(60);
        limiter.refund("a");
        assertThat(limiter.fail("a", 2)).isZero();
    }
}
