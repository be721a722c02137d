package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Measures join latency — from a successful {@code authenticate} to the member's media connecting
 * (ICE and DTLS done, {@link RoomListener#memberConnected}) — and hands each figure in nanoseconds
 * to an observer (the metrics). Entries of members who never connect expire after
 * {@link #EXPIRY_NANOS}; at most {@link #MAX_PENDING} are kept.
 */
final class JoinClock implements RoomListener {

    static final long EXPIRY_NANOS = 10L * 60 * 1_000_000_000L;
    static final int MAX_PENDING = 10_000;

    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private volatile LongConsumer observer = nanos -> { };

    void observe(LongConsumer observer) {
        this.observer = observer;
    }

    void authenticated(UUID room, String callId) {
        long now = System.nanoTime();
        if (started.size() >= MAX_PENDING) {
            started.values().removeIf(t -> now - t > EXPIRY_NANOS);
            if (started.size() >= MAX_PENDING) {
                return;
            }
        }
        started.put(room + "/" + callId, now);
    }

    @Override
    public void memberConnected(UUID room, String identity, AccessToken token) {
        Long start = started.remove(room + "/" + identity);
        if (start != null) {
            observer.accept(System.nanoTime() - start);
        }
    }

    @Override
    public void memberLeft(UUID room, String identity, AccessToken token) {
        started.remove(room + "/" + identity);
    }
}
