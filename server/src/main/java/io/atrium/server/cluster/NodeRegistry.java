package io.atrium.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.atrium.server.edge.Json;
import io.lettuce.core.KeyValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live nodes: each node writes {@code atrium:node:<id>} (its {@link NodeInfo} as JSON) with an expiry
 * of {@code cluster.node_ttl_millis} at every heartbeat and adds its id to the set {@code atrium:nodes}; a node
 * whose key expired is gone (and is dropped from the set by whoever lists it next: that node, exactly one, is
 * told it is gone).
 */
final class NodeRegistry {

    static final String PREFIX = "atrium:node:";
    static final String SET = "atrium:nodes";
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    private final RedisCommands<String, String> redis;
    private final long ttlMillis;
    private volatile Map<String, NodeInfo> live = Map.of();

    NodeRegistry(RedisCommands<String, String> redis, long ttlMillis) {
        this.redis = redis;
        this.ttlMillis = ttlMillis;
    }

    /**
     * Publishes {@code self} for another TTL, then reads every live node (self included); a node whose key
     * expired is taken out of the set and, if this call took it out (one node does), handed to {@code gone}.
     */
    Map<String, NodeInfo> beat(NodeInfo self, java.util.function.Consumer<String> gone) {
        redis.set(PREFIX + self.id(), json(self), SetArgs.Builder.px(ttlMillis));
        redis.sadd(SET, self.id());
        List<String> ids = new ArrayList<>(redis.smembers(SET));
        Map<String, NodeInfo> nodes = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            List<KeyValue<String, String>> values = redis.mget(ids.stream().map(id -> PREFIX + id).toArray(String[]::new));
            for (int i = 0; i < ids.size(); i++) {
                KeyValue<String, String> v = values.get(i);
                if (v.hasValue()) {
                    parse(v.getValue()).ifPresent(n -> nodes.put(n.id(), n));
                } else if (redis.srem(SET, ids.get(i)) == 1L) {
                    gone.accept(ids.get(i));
                }
            }
        }
        live = Collections.unmodifiableMap(nodes);
        return live;
    }

    /** The nodes seen live at the last heartbeat. */
    Map<String, NodeInfo> live() {
        return live;
    }

    /** What node {@code id} says of itself now, read from Redis; empty when it is gone. */
    Optional<NodeInfo> read(String id) {
        NodeInfo known = live.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        String value = redis.get(PREFIX + id);
        return value == null ? Optional.empty() : parse(value);
    }

    /**
     * Takes {@code id} out of the registry at once (a node stopping cleanly); the next node to list the set drops
     * it from there and is told it is gone, as for a node that died.
     */
    void leave(String id) {
        redis.del(PREFIX + id);
    }

    private static String json(NodeInfo n) {
        try {
            return Json.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<NodeInfo> parse(String value) {
        try {
            return Optional.of(Json.MAPPER.readValue(value, NodeInfo.class));
        } catch (JsonProcessingException e) {
            log.warn("ignoring an unreadable node entry in Redis: {}", e.getOriginalMessage());
            return Optional.empty();
        }
    }
}
