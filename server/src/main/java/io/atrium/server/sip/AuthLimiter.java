package io.atrium.server.sip;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed SIP authentications per source address in one-minute windows. Once an address reaches the
 * limit, every request from it is refused (403) until its window ends, whether the credentials are
 * right or not, so a scanner learns nothing from guessing. The table is bounded.
 */
final class AuthLimiter {

    static final long WINDOW_MILLIS = 60_000;
    /** Beyond this many tracked addresses, windows that ended are dropped (and, if none, all). */
    static final int MAX_ADDRESSES = 10_000;

    private record Window(long start, int failures) {
    }

    private final int limit;
    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    AuthLimiter(int failuresPerMinute, Clock clock) {
        this.limit = failuresPerMinute;
        this.clock = clock;
    }

    /** True while {@code address} has used up its failures for the current window. */
    boolean blocked(String address) {
        Window w = windows.get(address);
        return w != null && clock.millis() - w.start() < WINDOW_MILLIS && w.failures() >= limit;
    }

    void failed(String address) {
        long now = clock.millis();
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().removeIf(w -> now - w.start() >= WINDOW_MILLIS);
            if (windows.size() >= MAX_ADDRESSES) {
                windows.clear();
            }
        }
        windows.compute(address, (a, w) -> w == null || now - w.start() >= WINDOW_MILLIS
                ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
    }
}
