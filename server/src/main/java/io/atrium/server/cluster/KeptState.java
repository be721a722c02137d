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
 * room made them, and answered in that order: a request that changed state waits for the answer to its room's
 * last change ({@link #kept}) before it answers, and a room one of whose changes failed is reported until its
 * state is written whole again (Redis back). The hash expires {@link #TTL_MILLIS} after its last change or lease renewal
 * ({@link RoomLeases}), so the state of a room nobody takes over does not stay for ever.
 */
final class KeptState implements StateService.Keeper {

    static final String PREFIX = "atrium:state:";
    /** How long a room's kept state outlives its last holder: time enough for its clients to come back. */
    static final long TTL_MILLIS = 3_600_000;
    private static final Logger log = LoggerFactory.getLogger(KeptState.class);

    private final RedisCommands<String, String> sync;
    private final RedisAsyncCommands<String, String> async;
    private final java.util.function.BooleanSupplier connected;
    /** Each room's last change sent (its answer comes after those of the room's earlier changes). */
    private final Map<UUID, java.util.concurrent.CompletableFuture<?>> last = new java.util.concurrent.ConcurrentHashMap<>();
    /** Rooms one of whose changes failed since their state was last written whole. */
    private final java.util.Set<UUID> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    KeptState(RedisCommands<String, String> sync, RedisAsyncCommands<String, String> async, java.util.function.BooleanSupplier connected) {
        this.sync = sync;
        this.async = async;
        this.connected = connected;
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
            sent(room, () -> async.hdel(key(room), field("i", name, key)));
        } else {
            set(room, field("i", name, key), value.toString());
        }
    }

    @Override
    public void delete(UUID room, String name, Collection<String> items) {
        List<String> fields = new ArrayList<>(List.of(field("d", name), field("m", name)));
        items.forEach(key -> fields.add(field("i", name, key)));
        sent(room, () -> async.hdel(key(room), fields.toArray(String[]::new)));
    }

    @Override
    public void clear(UUID room) {
        java.util.concurrent.CompletableFuture<?> gone = sent(room, () -> async.del(key(room)));
        gone.whenComplete((r, e) -> {
            last.remove(room, gone);
            failed.remove(room);
        });
    }

    @Override
    public boolean available() {
        return connected.getAsBoolean();
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> kept(UUID room) {
        java.util.concurrent.CompletableFuture<?> change = last.getOrDefault(room, java.util.concurrent.CompletableFuture.completedFuture(null));
        return change.thenApply(r -> {
            if (failed.contains(room)) {
                throw new java.util.concurrent.CompletionException(new RedisException("a change of room " + room + " was not kept"));
            }
            return null;
        });
    }

    @Override
    public void rewriting(UUID room) {
        failed.remove(room);
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
        sent(room, () -> async.hset(key(room), field, value));
        sent(room, () -> async.pexpire(key(room), TTL_MILLIS));
    }

    private static String field(String... parts) {
        return Json.MAPPER.createArrayNode().addAll(java.util.Arrays.stream(parts).map(Json.MAPPER.getNodeFactory()::textNode).toList()).toString();
    }

    /** Sends one change of {@code room} (called under the room's lock, so in the room's order) and notes its outcome. */
    private java.util.concurrent.CompletableFuture<?> sent(UUID room, java.util.function.Supplier<io.lettuce.core.RedisFuture<?>> change) {
        java.util.concurrent.CompletableFuture<?> f;
        try {
            f = change.get().toCompletableFuture();
        } catch (RedisException e) {
            f = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        java.util.concurrent.CompletableFuture<?> done = f.handle((r, e) -> {
            if (e != null) {
                failed.add(room);
                log.warn("a change of room {}'s shared state was not kept in Redis (written again when Redis is back): {}", room, e.toString());
            }
            return null;
        });
        last.put(room, done);
        return done;
    }
}
