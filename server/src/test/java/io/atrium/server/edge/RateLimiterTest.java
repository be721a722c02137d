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

    @Test
    void manyKeysAreSweptAtMostOnceASecond() {
        RateLimiter limiter = new RateLimiter(3, clock);
        long start = System.nanoTime();
        for (int i = 0; i < 40_000; i++) { // 30,000 calls above the sweep threshold, all in the same second
            assertThat(limiter.acquire("k" + i)).isZero();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        // a sweep on every call visits the whole map each time: hundreds of millions of visits, many seconds
        assertThat(millis).as("40,000 keys, ms").isLessThan(3000);
        clock.advance(RateLimiter.WINDOW_MILLIS);
        assertThat(limiter.acquire("k0")).isZero();
        assertThat(limiter.size()).as("the sweep still runs: the idle keys are gone").isEqualTo(1);
    }
}
