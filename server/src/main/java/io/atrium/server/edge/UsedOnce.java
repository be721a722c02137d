package io.atrium.server.edge;

import java.util.HashMap;
import java.util.Map;

/**
 * Keys that are good once until a second of their own: the memory behind the replay rules (the relay mark's nonces,
 * {@link RelayMark}; phones' digest credentials, {@code sip/ReplayCache}). A key is remembered until its last second
 * has passed; while it is, using it again is {@link Use#AGAIN}. At most {@code capacity} keys: when that many are
 * still remembered, every new key is {@link Use#FULL}, refused rather than accepted unremembered, so none is ever
 * accepted twice. Keys past their second are forgotten at most once a second. Thread-safe.
 */
public final class UsedOnce {

    /** What a use of a key was. */
    public enum Use { FIRST, AGAIN, FULL }

    private final int capacity;
    /** Each remembered key with its last second (epoch seconds). */
    private final Map<String, Long> used = new HashMap<>();
    private long sweptAt = Long.MIN_VALUE;

    public UsedOnce(int capacity) {
        this.capacity = capacity;
    }

    /** Uses {@code key}, good until second {@code last}, at second {@code now}; remembers it when it is the first use. */
    public synchronized Use use(String key, long last, long now) {
        if (now != sweptAt) {
            used.values().removeIf(l -> l < now);
            sweptAt = now;
        }
        if (used.containsKey(key)) {
            return Use.AGAIN;
        }
        if (used.size() >= capacity) {
            return Use.FULL;
        }
        used.put(key, last);
        return Use.FIRST;
    }

    /** How many keys are remembered (those past their second until the next use's sweep). */
    public synchronized int size() {
        return used.size();
    }
}
