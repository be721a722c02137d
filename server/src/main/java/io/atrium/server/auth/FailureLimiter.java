package io.atrium.server.auth;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failures (wrong passwords) per key, such as a client address or a room, in fixed windows:
 * after {@code limit} failures in a window the key is refused until the window ends. Thread-safe;
 * expired windows are dropped as new ones start, so memory stays bounded by the keys of one window.
 */
public final class FailureLimiter {

    private record Window(long startMillis, int failures) {
    }

    private final Clock clock;
    private final long windowMillis;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public FailureLimiter(Clock clock, long windowSeconds) {
        this.clock = clock;
        this.windowMillis = windowSeconds * 1000;
    }

    /** Seconds until {@code key} may try again after {@code limit} failures, or 0 when it may now. */
    public long retryAfterSeconds(String key, int limit) {
        long now = clock.millis();
        Window w = windows.get(key);
        if (w == null || now - w.startMillis() >= windowMillis || w.failures() < limit) {
            return 0;
        }
        return Math.max(1, (w.startMillis() + windowMillis - now + 999) / 1000);
    }

    /** Records a failure of {@code key}. */
    public void failed(String key) {
        long now = clock.millis();
        if (windows.size() > 10_000) {
            windows.values().removeIf(w -> now - w.startMillis() >= windowMillis);
        }
        windows.compute(key, (k, w) -> w == null || now - w.startMillis() >= windowMillis
                ? new Window(now, 1) : new Window(w.startMillis(), w.failures() + 1));
    }
}
