package io.atrium.server.auth;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts failures (wrong passwords, digests) per key, such as a client address or a room, in fixed
 * windows: after {@code limit} failures in a window the key is refused until the window ends. A guess
 * can be counted before it is checked ({@link #fail}) and given back when it proved right
 * ({@link #refund}), so guesses in flight count too. Memory is bounded: at most {@code capacity} keys;
 * when that many windows are still running, a key not among them is refused (as {@code UsedOnce} refuses
 * a new key) until the oldest window ends, so a flood of keys never makes it forget a block. Ended
 * windows are dropped at most once a second. Thread-safe.
 */
public final class FailureLimiter {

    /** Keys tracked at most, unless told otherwise. */
    public static final int CAPACITY = 10_000;

    private record Window(long startMillis, int failures) {
    }

    private final Clock clock;
    private final long windowMillis;
    private final int capacity;
    private final Map<String, Window> windows = new HashMap<>();
    private long sweptAt;
    /** When the oldest window still kept started (as of the last sweep). */
    private long oldestStart;

    public FailureLimiter(Clock clock, long windowSeconds) {
        this(clock, windowSeconds, CAPACITY);
    }

    public FailureLimiter(Clock clock, long windowSeconds, int capacity) {
        this.clock = clock;
        this.windowMillis = windowSeconds * 1000;
        this.capacity = capacity;
    }

    /** Seconds until {@code key} may try again after {@code limit} failures (or while the table is full), or 0 when it may now. */
    public synchronized long retryAfterSeconds(String key, int limit) {
        long now = clock.millis();
        Window w = current(key, now);
        if (w == null) {
            return full(key) ? wait(oldestStart, now) : 0;
        }
        return w.failures() < limit ? 0 : wait(w.startMillis(), now);
    }

    /**
     * Counts a failure of {@code key} unless it has used up its {@code limit} (or the table is full):
     * 0 when counted, else the seconds to wait, as {@link #retryAfterSeconds}.
     */
    public synchronized long fail(String key, int limit) {
        long wait = retryAfterSeconds(key, limit);
        if (wait == 0) {
            failed(key);
        }
        return wait;
    }

    /** Records a failure of {@code key} (nothing when the table is full and the key is not in it). */
    public synchronized void failed(String key) {
        long now = clock.millis();
        Window w = current(key, now);
        if (w != null) {
            windows.put(key, new Window(w.startMillis(), w.failures() + 1));
        } else if (!full(key)) {
            windows.put(key, new Window(now, 1));
        }
    }

    /** Gives back a failure counted by {@link #fail} for a guess that proved right (in the same window). */
    public synchronized void refund(String key) {
        Window w = current(key, clock.millis());
        if (w != null && w.failures() > 0) {
            windows.put(key, new Window(w.startMillis(), w.failures() - 1));
        }
    }

    /** The window of {@code key} if it is still running; drops ended windows at most once a second. */
    private Window current(String key, long now) {
        if (now - sweptAt >= 1000 || now < sweptAt) {
            windows.values().removeIf(w -> now - w.startMillis() >= windowMillis);
            oldestStart = windows.values().stream().mapToLong(Window::startMillis).min().orElse(now);
            sweptAt = now;
        }
        Window w = windows.get(key);
        return w == null || now - w.startMillis() >= windowMillis ? null : w;
    }

    /** Whether {@code key} has no place: it is not in the table, and the table holds {@code capacity} keys. */
    private boolean full(String key) {
        return windows.size() >= capacity && !windows.containsKey(key);
    }

    private long wait(long start, long now) {
        return Math.max(1, (start + windowMillis - now + 999) / 1000);
    }
}
