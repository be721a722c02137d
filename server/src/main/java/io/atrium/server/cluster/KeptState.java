package io.atrium.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.edge.Json;
import io.atrium.server.state.StateService;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms' shared state kept in Redis, so that it outlives the node that holds it (docs/SCALING.md): one
 * hash per room, {@code atrium:state:<uuid>}, whose fields are JSON arrays {@code ["d", name]} (a document,
 * its JSON as the value), {@code ["m", name]} (a map exists) and {@code ["i", name, key]} (a map's item).
 * Changes are sent without waiting, on the node's one connection, so Redis applies them in the order the
 * room made them; the hash expires {@link #TTL_MILLIS} after its last change or lease renewal
 * ({@link RoomLeases}), so the state of a room nobody takes over does not stay for ever.
 */
final class KeptState implements StateService.Keeper {

    static final String PREFIX = "atrium:state:";
    /** How long a room's kept state outlives its last holder: time enough for its clients to come back. */
    static final long TTL_MILLIS = 3_600_000;
    private static final Logger log = LoggerFactory.getLogger(KeptState.class);

    private final RedisCommands<String, String> sync;
    private final RedisAsyncCommands<String, String> async;

    KeptState(RedisCommands<String, String> sync, RedisAsyncCommands<String, String> async) {
        this.sync = sync;
        this.async = async;
    }

    static String key(UUID room) {
        return PREFIX + room;
    }

    @Override
    public void document(UUID room, String name, JsonNode value) {
        set(room, field("d", name), value.toString());
    }

    @Override
    public void map(UUID room, String name) {
        set(room, field("m", name), "{}");
    }

    @Override
    public void item(UUID room, String name, String key, JsonNode value) {
        if (value == null) {
            sent(async.hdel(key(room), field("i", name, key)));
        } else {
            set(room, field("i", name, key), value.toString());
        }
    }

    @Override
    public void delete(UUID room, String name, Collection<String> items) {
        List<String> fields = new ArrayList<>(List.of(field("d", name), field("m", name)));
        items.forEach(key -> fields.add(field("i", name, key)));
        sent(async.hdel(key(room), fields.toArray(String[]::new)));
    }

    @Override
    public void clear(UUID room) {
        sent(async.del(key(room)));
    }

    @Override
    public StateService.Kept load(UUID room) {
        Map<String, String> all;
        try {
            all = sync.hgetall(key(room));
        } catch (RedisException e) {
            log.warn("the kept state of room {} cannot be read (it starts empty here): {}", room, e.toString());
            return StateService.Kept.NONE;
        }
        Map<String, JsonNode> documents = new LinkedHashMap<>();
        Map<String, Map<String, JsonNode>> maps = new LinkedHashMap<>();
        all.forEach((f, v) -> {
            try {
                JsonNode field = Json.MAPPER.readTree(f);
                String name = field.path(1).asText();
                switch (field.path(0).asText()) {
                    case "d" -> documents.put(name, Json.MAPPER.readTree(v));
                    case "m" -> maps.computeIfAbsent(name, n -> new LinkedHashMap<>());
                    case "i" -> maps.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(field.path(2).asText(), Json.MAPPER.readTree(v));
                    default -> log.warn("ignoring kept state field {} of room {}", f, room);
                }
            } catch (JsonProcessingException e) {
                log.warn("ignoring unreadable kept state field {} of room {}", f, room);
            }
        });
        return new StateService.Kept(documents, maps);
    }

    private void set(UUID room, String field, String value) {
        sent(async.hset(key(room), field, value));
        sent(async.pexpire(key(room), TTL_MILLIS));
    }

    private static String field(String... parts) {
        return Json.MAPPER.createArrayNode().addAll(java.util.Arrays.stream(parts).map(Json.MAPPER.getNodeFactory()::textNode).toList()).toString();
    }

    private static void sent(io.lettuce.core.RedisFuture<?> f) {
        f.exceptionally(e -> {
            log.warn("a change of shared state was not kept in Redis: {}", e.toString());
            return null;
        });
    }
}
