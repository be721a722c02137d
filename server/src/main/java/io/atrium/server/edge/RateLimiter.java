package io.atrium.server.edge;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one rate-limit mechanism of the HTTP edge: "N per minute" (as contract 003 states its limits), a
 * sliding one-minute window per key (a client address, a session). {@link #acquire} answers 0 when
 * allowed, else the seconds until the oldest call leaves the window (the {@code Retry-After}). Keys idle
 * for a minute are dropped as the map grows beyond {@value #SWEEP_ABOVE} keys, at most once a second (a sweep
 * visits every key: on every call it would cost each call the whole map).
 */
public final class RateLimiter {

    static final long WINDOW_MILLIS = 60_000;
    private static final int SWEEP_ABOVE = 10_000;

    private final int perMinute;
    private final Clock clock;
    private final Map<String, Deque<Long>> calls = new ConcurrentHashMap<>();
    private final AtomicLong sweptAt = new AtomicLong();

    public RateLimiter(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    public int perMinute() {
        return perMinute;
    }

    /** Records a call for {@code key}: 0 when it is allowed, else the seconds to wait (at least 1). */
    public long acquire(String key) {
        return check(key, true);
    }

    /** Like {@link #acquire} without recording a call: 0 when {@code key} is under its limit. */
    public long retryAfter(String key) {
        return check(key, false);
    }

    private long check(String key, boolean record) {
        long now = clock.millis();
        long last = sweptAt.get();
        if (calls.size() > SWEEP_ABOVE && (now - last >= 1000 || now < last) && sweptAt.compareAndSet(last, now)) {
            sweep(now);
        }
        Deque<Long> window = record ? calls.computeIfAbsent(key, k -> new ArrayDeque<>()) : calls.get(key);
        if (window == null) {
            return 0;
        }
        synchronized (window) {
            while (!window.isEmpty() && now - window.peekFirst() >= WINDOW_MILLIS) {
                window.pollFirst();
            }
            if (window.size() >= perMinute) {
                long wait = window.peekFirst() + WINDOW_MILLIS - now;
                return Math.max(1, (wait + 999) / 1000);
            }
            if (record) {
                window.addLast(now);
            }
            return 0;
        }
    }

    /** How many keys are kept (idle ones until a sweep). */
    int size() {
        return calls.size();
    }

    /** Takes back the last call recorded for {@code key} (a counted guess that proved right). */
    public void refund(String key) {
        Deque<Long> window = calls.get(key);
        if (window != null) {
            synchronized (window) {
                window.pollLast();
            }
        }
    }

    private void sweep(long now) {
        for (Iterator<Deque<Long>> it = calls.values().iterator(); it.hasNext(); ) {
            Deque<Long> w = it.next();
            synchronized (w) {
                if (w.isEmpty() || now - w.peekLast() >= WINDOW_MILLIS) {
                    it.remove();
                }
            }
        }
    }
}
