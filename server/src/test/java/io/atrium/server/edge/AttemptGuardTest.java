package io.atrium.server.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atrium.server.testing.ManualClock;
import org.junit.jupiter.api.Test;

class AttemptGuardTest {

    final ManualClock clock = new ManualClock(5_000_000);

    @Test
    void failuresCloseTheAddressForEverythingUntilTheWindowMoves() {
        AttemptGuard guard = new AttemptGuard(100, 3, clock);
        for (int i = 0; i < 3; i++) {
            guard.admit("a");
            guard.failed("a");
        }
        assertThatThrownBy(() -> guard.admit("a")).isInstanceOf(TooManyRequests.class)
                .hasMessageContaining("failed attempts").extracting(e -> ((TooManyRequests) e).retryAfterSeconds).isEqualTo(60L);
        guard.admit("b"); // other addresses are untouched
        clock.advance(60_000);
        guard.admit("a");
    }

    @Test
    void requestsAreLimitedToo() {
        AttemptGuard guard = new AttemptGuard(2, 10, clock);
        guard.admit("a");
        guard.admit("a");
        assertThatThrownBy(() -> guard.admit("a")).isInstanceOf(TooManyRequests.class).hasMessageContaining("too many requests");
        assertThat(new RateLimiter(1, clock).retryAfter("never-seen")).isZero();
    }
}
