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
 *
 * <p>Fenced by the room's lease: every write and read is one Lua script that acts only while the lease names
 * this node or no node, so a node that lost a room (it missed its heartbeats, or another node placed the room
 * while Redis restarted) changes nothing of what the room's owner keeps and never reads it as its own. A write
 * refused so is not kept ({@link #kept} fails) and the node gives the room up ({@code refused}), as it does
 * when its lease renewal finds the room taken.
 */
final class KeptState implements StateService.Keeper {

    static final String PREFIX = "atrium:state:";
    /** How long a room's kept state outlives its last holder: time enough for its clients to come back. */
    static final long TTL_MILLIS = 3_600_000;
    private static final Logger log = LoggerFactory.getLogger(KeptState.class);
    /** The fence of every script: {@code KEYS[1]} the room's lease, {@code ARGV[1]} this node. */
    private static final String FENCE = """
            local owner = redis.call('GET', KEYS[1])
            if owner and owner ~= ARGV[1] then return %s end
            """;
    /**
     * One change of the hash {@code KEYS[2]}: {@code ARGV[2]} {@code set} (field {@code ARGV[4]} = {@code ARGV[5]},
     * expiry {@code ARGV[3]} ms), {@code hdel} (fields from {@code ARGV[4]}) or {@code del}; 1, or 0 when fenced.
     */
    private static final String CHANGE = FENCE.formatted("0") + """
            if ARGV[2] == 'set' then
              redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
              redis.call('PEXPIRE', KEYS[2], ARGV[3])
            elseif ARGV[2] == 'hdel' then
              redis.call('HDEL', KEYS[2], unpack(ARGV, 4))
            else
              redis.call('DEL', KEYS[2])
            end
            return 1""";
    /** The hash {@code KEYS[2]} as {@code ["ok", field, value, ...]}, or {@code ["moved"]} when fenced. */
    private static final String LOAD = FENCE.formatted("{'moved'}") + """
            local all = redis.call('HGETALL', KEYS[2])
            table.insert(all, 1, 'ok')
            return all""";
    static final String MOVED = "The room is run by another server now, so this change was not saved; try again.";

    private final String self;
    private final RedisCommands<String, String> sync;
    private final RedisAsyncCommands<String, String> async;
    private final java.util.function.BooleanSupplier connected;
    private final java.util.function.Consumer<UUID> refused;
    /** Each room's last change sent (its answer comes after those of the room's earlier changes). */
    private final Map<UUID, java.util.concurrent.CompletableFuture<?>> last = new java.util.concurrent.ConcurrentHashMap<>();
    /** Rooms one of whose changes was not kept since their state was last written whole or read: why ({@link #MOVED}, {@link StateService#NOT_SAVED}). */
    private final Map<UUID, String> failed = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code refused} hears of a room whose change or read another node's lease refused (on Redis's I/O thread or the reader's: it must hand off, not block). */
    KeptState(String self, RedisCommands<String, String> sync, RedisAsyncCommands<String, String> async,
              java.util.function.BooleanSupplier connected, java.util.function.Consumer<UUID> refused) {
        this.self = self;
        this.sync = sync;
        this.async = async;
        this.connected = connected;
        this.refused = refused;
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
            change(room, "hdel", field("i", name, key));
        } else {
            set(room, field("i", name, key), value.toString());
        }
    }

    @Override
    public void delete(UUID room, String name, Collection<String> items) {
        List<String> fields = new ArrayList<>(List.of(field("d", name), field("m", name)));
        items.forEach(key -> fields.add(field("i", name, key)));
        change(room, "hdel", fields.toArray(String[]::new));
    }

    @Override
    public void clear(UUID room) {
        java.util.concurrent.CompletableFuture<?> gone = change(room, "del");
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
            String why = failed.get(room);
            if (why != null) {
                throw new java.util.concurrent.CompletionException(new StateService.NotKept(why, null));
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
        List<Object> answer;
        try {
            answer = sync.eval(LOAD, io.lettuce.core.ScriptOutputType.MULTI, keys(room), self);
        } catch (RedisException e) { // not taken up empty: what this node then wrote would overwrite what Redis keeps
            throw new StateService.NotKept("The room's shared state cannot be read right now (Redis is away); try again.", e);
        }
        if (!"ok".equals(answer.get(0))) {
            refused.accept(room);
            throw new StateService.NotKept(MOVED, null);
        }
        failed.remove(room); // what is in memory now is what Redis keeps: earlier failures no longer matter
        Map<String, String> all = new LinkedHashMap<>();
        for (int i = 1; i + 1 < answer.size(); i += 2) {
            all.put((String) answer.get(i), (String) answer.get(i + 1));
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
        change(room, "set", field, value);
    }

    private static String[] keys(UUID room) {
        return new String[] {RoomLeases.key(room), key(room)};
    }

    private static String field(String... parts) {
        return Json.MAPPER.createArrayNode().addAll(java.util.Arrays.stream(parts).map(Json.MAPPER.getNodeFactory()::textNode).toList()).toString();
    }

    /**
     * Sends one change of {@code room} ({@link #CHANGE}: {@code op} and its fields; called under the room's lock, so in the
     * room's order) and notes its outcome.
     */
    private java.util.concurrent.CompletableFuture<?> change(UUID room, String op, String... fields) {
        String[] args = new String[3 + fields.length];
        args[0] = self;
        args[1] = op;
        args[2] = Long.toString(TTL_MILLIS);
        System.arraycopy(fields, 0, args, 3, fields.length);
        java.util.concurrent.CompletableFuture<Long> f;
        try {
            // EVAL with the script, not EVALSHA: a NOSCRIPT answer after a Redis restart would be retried out of the room's order
            f = async.<Long>eval(CHANGE, io.lettuce.core.ScriptOutputType.INTEGER, keys(room), args).toCompletableFuture();
        } catch (RedisException e) {
            f = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        java.util.concurrent.CompletableFuture<?> done = f.handle((applied, e) -> {
            if (e != null) {
                failed.put(room, StateService.NOT_SAVED);
                log.warn("a change of room {}'s shared state was not kept in Redis (written again when Redis is back): {}", room, e.toString());
            } else if (applied == 0L) {
                failed.put(room, MOVED);
                log.warn("a change of room {}'s shared state was refused: another node holds the room now", room);
                refused.accept(room);
            }
            return null;
        });
        last.put(room, done);
        return done;
    }
}
