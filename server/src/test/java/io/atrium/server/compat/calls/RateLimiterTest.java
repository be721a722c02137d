package io.atrium.server.compat.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @Test
    void nPerMinuteInASlidingWindowPerKey() {
        RateLimiter limiter = new RateLimiter(3, clock);
        assertThat(limiter.acquire("a")).isZero();
        now.addAndGet(10_000);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).as("fourth within the minute: wait until the first leaves").isEqualTo(50);
        assertThat(limiter.acquire("b")).as("keys are independent").isZero();
        now.addAndGet(49_500);
        assertThat(limiter.acquire("a")).isEqualTo(1);
        now.addAndGet(500);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(10);
    }
}
