package io.atrium.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.ManualClock;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    final ManualClock clock = new ManualClock(1_000_000);

    @Test
    void nPerMinuteInASlidingWindowPerKey() {
        RateLimiter limiter = new RateLimiter(3, clock);
        assertThat(limiter.acquire("a")).isZero();
        clock.advance(10_000);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).as("fourth within the minute: wait until the first leaves").isEqualTo(50);
        assertThat(limiter.acquire("b")).as("keys are independent").isZero();
        clock.advance(49_500);
        assertThat(limiter.acquire("a")).isEqualTo(1);
        clock.advance(500);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(10);
    }
}
