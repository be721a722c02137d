package io.atrium.server.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Shared state of live rooms: per room, named JSON documents and named maps of key → JSON value.
 * Only the server writes (the compat facades, room events); clients read what their access token's
 * {@code state} grant names, by subscribing over the WebSocket ({@code subscribe_state}), and then
 * get every change as a {@code state_changed} notification (docs/PROTOCOL.md, "Shared state").
 *
 * <p>Thread-safe: each room's state has its own lock, and a change is applied and sent to that room's
 * subscribers under it, so every subscriber sees the changes of one room in the order they were made,
 * right after the snapshot its subscription returned. Sinks must not block (the WebSocket sends
 * asynchronously). State is in memory: it lives until {@link #clear} (the room ended); subscriptions
 * live until {@link #unsubscribeAll} (the socket closed) or {@link #clear}. A cluster node also hands every
 * change to a {@link Keeper} (Redis), and a room's state that this node does not have in memory is read from
 * it when first used, so the state outlives the node that held it (docs/SCALING.md).
 */
public final class StateService {

    /** Where a subscriber's notifications go: {@code {"method": "state_changed", "params": …}}. */
    @FunctionalInterface
    public interface Sink {
        void notify(String method, Object params);
    }

    /** A document or a map, as a subscription reports it. */
    public record Value(String type, Object value) {
        static final String DOCUMENT = "document";
        static final String MAP = "map";
    }

    /**
     * Where a copy of every room's state is kept outside this process (a cluster's Redis): told each change in
     * order, under the room's lock (it must not block), and asked for a room's state the first time this node
     * uses it.
     */
    public interface Keeper {
        void document(UUID room, String name, JsonNode value);

        /** An empty map {@code name} exists. */
        void map(UUID room, String name);

        /** One item set ({@code value} null: removed). */
        void item(UUID room, String name, String key, JsonNode value);

        /** Document or map {@code name} is gone, with the map's {@code items}. */
        void delete(UUID room, String name, Collection<String> items);

        void clear(UUID room);

        /**
         * What is kept of {@code room}: documents and maps by name (empty when nothing); throws {@link NotKept} when it
         * cannot be read (Redis away, or another node holds the room), so that nothing starts from an empty state.
         */
        Kept load(UUID room);

        /** Whether changes can be kept now (a cluster's Redis is connected). */
        boolean available();

        /**
         * Completes when every change of {@code room} handed over so far is kept; exceptionally when one of them
         * was not since the room's state was last handed over whole ({@link #rewriting}).
         */
        java.util.concurrent.CompletableFuture<Void> kept(UUID room);

        /** The whole state of {@code room} is handed over again now (what failed before is written anew). */
        void rewriting(UUID room);
    }

    /** A change of shared state that a cluster node cannot keep in Redis, so it would not outlive this node. */
    public static final class NotKept extends RuntimeException {
        public NotKept(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A room's state as a {@link Keeper} gives it back. */
    public record Kept(Map<String, JsonNode> documents, Map<String, Map<String, JsonNode>> maps) {
        public static final Kept NONE = new Kept(Map.of(), Map.of());
    }

    private static final String CHANGED = "state_changed";
    /** How long a request that changed state waits for its changes to be kept before it says they were not. */
    public static final long KEPT_WITHIN_MILLIS = 5_000;

    /** Null on a single node: the state is in memory only. */
    private volatile Keeper keeper;

    private final Map<UUID, RoomState> rooms = new ConcurrentHashMap<>();
    /**
     * The rooms whose state is being read from the keeper, with the documents deleted meanwhile
     * ({@link #deleteDocument}) or the whole state ({@link #clear}), which the read may still bring back; the lock of a room's state entering memory.
     */
    private final Map<UUID, Load> loads = new java.util.HashMap<>();
    /** Subscriber → rooms it subscribes in, for {@link #unsubscribeAll}. */
    private final Map<Object, Set<UUID>> subscribed = new ConcurrentHashMap<>();

    /** Keeps a copy of every change with {@code keeper} from now on (a cluster node, before it serves anyone). */
    public void keepWith(Keeper keeper) {
        this.keeper = keeper;
    }

    /** Whether a keeper holds a copy of the state (a cluster node). */
    public boolean isKept() {
        return keeper != null;
    }

    /** Hands the whole state of every room in memory to the keeper again (it may have lost it: Redis restarted empty). */
    public void keepAll() {
        Keeper k = keeper;
        if (k == null) {
            return;
        }
        for (Map.Entry<UUID, RoomState> e : rooms.entrySet()) {
            RoomState s = e.getValue();
            synchronized (s) {
                k.rewriting(e.getKey());
                s.documents.forEach((name, value) -> k.document(e.getKey(), name, value));
                s.maps.forEach((name, items) -> {
                    k.map(e.getKey(), name);
                    items.forEach((key, value) -> k.item(e.getKey(), name, key, value));
                });
            }
        }
    }

    /**
     * Throws {@link NotKept} when a change made now could not be kept (a cluster node whose Redis is away): a
     * request that changes state asks before it changes anything, so that it can be refused as a whole.
     */
    public void keepable() {
        Keeper k = keeper;
        if (k != null && !k.available()) {
            throw new NotKept(NOT_KEEPABLE, null);
        }
    }

    /**
     * Waits until every change of {@code room} made so far is kept (at once on a single node); throws
     * {@link NotKept} when one was not, or not within {@link #KEPT_WITHIN_MILLIS}: the change is made on this node
     * (and kept when Redis is back) but would not outlive it yet.
     */
    public void kept(UUID room) {
        try {
            whenKept(room).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof NotKept n ? n : e;
        }
    }

    /** {@link #kept} without waiting: completes then, or fails with {@link NotKept}. */
    public java.util.concurrent.CompletableFuture<Void> whenKept(UUID room) {
        Keeper k = keeper;
        if (k == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        return k.kept(room).orTimeout(KEPT_WITHIN_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                    return java.util.concurrent.CompletableFuture.failedFuture(cause instanceof NotKept n ? n : new NotKept(NOT_SAVED, e));
                });
    }

    /** Why a change was refused before anything was made ({@link #keepable}). */
    public static final String NOT_KEEPABLE = "The shared state cannot be saved right now (Redis is away); nothing was changed.";

    /** Why a change was not kept when Redis did not take it (it is written again when Redis is back). */
    public static final String NOT_SAVED = "The change was made on this server but could not be saved in Redis (it is saved "
            + "when Redis is back, unless this server stops first); try again.";

    /**
     * Drops this node's copy of {@code room}'s state, kept copy untouched (another node holds the room now):
     * if the room comes back here, its state is read from the keeper again.
     */
    public void forget(UUID room) {
        RoomState s = rooms.remove(room);
        if (s != null) {
            synchronized (s) {
                for (Object key : s.subscribers.keySet()) {
                    subscribed.computeIfPresent(key, (k, set) -> {
                        set.remove(room);
                        return set.isEmpty() ? null : set;
                    });
                }
            }
        }
    }

    // ---- documents ----

    /** Creates or replaces a document. */
    public void setDocument(UUID room, String name, JsonNode value) {
        withRoom(room, s -> {
            s.documents.put(name, value.deepCopy());
            Map<String, JsonNode> map = s.maps.remove(name);
            if (map != null) {
                s.keep(k -> k.delete(room, name, map.keySet()));
            }
            s.keep(k -> k.document(room, name, value));
            s.send(name, change(room, name, Value.DOCUMENT, null, value, false));
        });
    }

    /**
     * Replaces an existing document with {@code update} of its current value; false (and nothing
     * changes) when there is no such document.
     */
    public boolean updateDocument(UUID room, String name, UnaryOperator<JsonNode> update) {
        return withRoom(room, s -> {
            JsonNode current = s.documents.get(name);
            if (current == null) {
                return false;
            }
            JsonNode next = update.apply(current.deepCopy());
            if (!next.equals(current)) {
                s.documents.put(name, next.deepCopy());
                s.keep(k -> k.document(room, name, next));
                s.send(name, change(room, name, Value.DOCUMENT, null, next, false));
            }
            return true;
        });
    }

    public Optional<JsonNode> document(UUID room, String name) {
        return read(room, s -> s.document(name));
    }

    /**
     * {@link #document} for a thread that must not wait on the keeper (a room's executor): at once when this node
     * has the room's state in memory (or there is no keeper); else it is read from the keeper on {@code pool}, and
     * stays in memory for what the caller does next (a change then needs no read either).
     */
    public java.util.concurrent.CompletableFuture<Optional<JsonNode>> documentLater(UUID room, String name,
                                                                                   java.util.concurrent.Executor pool) {
        if (keeper == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(document(room, name));
        }
        RoomState here = rooms.get(room);
        if (here != null) {
            synchronized (here) {
                if (rooms.get(room) == here) {
                    return java.util.concurrent.CompletableFuture.completedFuture(here.document(name));
                }
            }
        }
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            RoomState s = stateOf(room);
            synchronized (s) {
                return s.document(name);
            }
        }, pool);
    }

    // ---- maps ----

    /** Creates an empty map unless one exists. */
    public void createMap(UUID room, String name) {
        withRoom(room, s -> {
            if (!s.maps.containsKey(name)) {
                s.replacedByMap(room, name);
                s.maps.put(name, new LinkedHashMap<>());
                s.send(name, change(room, name, Value.MAP, null, Map.of(), false));
            }
        });
    }

    /** Sets one item (creating the map if needed); subscribers hear of it only if the value changed. */
    public void putItem(UUID room, String name, String key, JsonNode value) {
        withRoom(room, s -> {
            Map<String, JsonNode> map = s.maps.get(name);
            if (map == null) {
                s.replacedByMap(room, name);
                map = new LinkedHashMap<>();
                s.maps.put(name, map);
            }
            if (!value.equals(map.get(key))) {
                map.put(key, value.deepCopy());
                s.keep(k -> k.item(room, name, key, value));
                s.send(name, change(room, name, Value.MAP, key, value, false));
            }
        });
    }

    /** Sets one item only if the key is absent (creating the map if needed). */
    public void putItemIfAbsent(UUID room, String name, String key, JsonNode value) {
        withRoom(room, s -> {
            Map<String, JsonNode> map = s.maps.get(name);
            if (map == null || !map.containsKey(key)) {
                putItem(room, name, key, value);
            }
        });
    }

    /** Removes one item; true if it was there. */
    public boolean removeItem(UUID room, String name, String key) {
        return read(room, s -> {
            Map<String, JsonNode> map = s.maps.get(name);
            if (map == null || map.remove(key) == null) {
                return false;
            }
            s.keep(k -> k.item(room, name, key, null));
            s.send(name, change(room, name, Value.MAP, key, null, true));
            return true;
        });
    }

    /** A copy of a map's items, in insertion order; empty when there is no such map. */
    public Optional<Map<String, JsonNode>> map(UUID room, String name) {
        return read(room, s -> {
            Map<String, JsonNode> map = s.maps.get(name);
            return map == null ? Optional.empty() : Optional.of(copy(map));
        });
    }

    // ---- whole names and rooms ----

    /** Deletes a document or map; subscribers get {@code {name, deleted: true}}. */
    public void delete(UUID room, String name) {
        read(room, s -> {
            boolean doc = s.documents.remove(name) != null;
            Map<String, JsonNode> map = s.maps.remove(name);
            if (doc || map != null) {
                s.keep(k -> k.delete(room, name, map == null ? List.of() : map.keySet()));
                s.send(name, change(room, name, doc ? Value.DOCUMENT : Value.MAP, null, null, true));
            }
            return null;
        });
    }

    /**
     * {@link #delete} of a document for a thread that must not wait on the keeper (a room's executor): when this
     * node has none of the room's state in memory (so nobody here subscribes to it), only the keeper's copy is
     * deleted, asynchronously, instead of reading the room's state back first.
     */
    public void deleteDocument(UUID room, String name) {
        Keeper k = keeper;
        if (k != null) {
            synchronized (loads) {
                if (!rooms.containsKey(room)) {
                    Load reading = loads.get(room);
                    if (reading != null) { // a read of the room's state is under way: what it brings back lacks this name
                        reading.deleted.add(name);
                    }
                    k.delete(room, name, List.of());
                    return;
                }
            }
        }
        delete(room, name);
    }

    /**
     * The room ended: every document and map goes, each subscriber hears {@code {name, deleted: true}}
     * for the names it read that existed, and every subscription in the room ends. A read of the room's kept state
     * under way (this node had none of it in memory) brings none of it back.
     */
    public void clear(UUID room) {
        Keeper kept = keeper;
        if (kept != null) {
            synchronized (loads) {
                Load reading = loads.get(room);
                if (reading != null && !rooms.containsKey(room)) { // a read under way brings back nothing of the room
                    reading.cleared = true;
                }
                kept.clear(room);
            }
        }
        RoomState s = rooms.get(room);
        if (s == null) {
            return;
        }
        synchronized (s) {
            for (String name : new LinkedHashSet<>(s.names())) {
                String type = s.documents.containsKey(name) ? Value.DOCUMENT : Value.MAP;
                s.send(name, change(room, name, type, null, null, true));
            }
            s.documents.clear();
            s.maps.clear();
            for (Object key : s.subscribers.keySet()) {
                subscribed.computeIfPresent(key, (k, set) -> {
                    set.remove(room);
                    return set.isEmpty() ? null : set;
                });
            }
            s.subscribers.clear();
            rooms.remove(room, s);
        }
    }

    /** The rooms with any state or subscriber on this node (a cluster node holds their leases). */
    public Set<UUID> rooms() {
        return Set.copyOf(rooms.keySet());
    }

    /** Whether the room has any state or subscriber (for tests and diagnostics). */
    public boolean isEmpty(UUID room) {
        return !rooms.containsKey(room);
    }

    // ---- subscriptions ----

    /**
     * Subscribes {@code subscriber} (any key, e.g. the connection's session) to {@code names} in
     * {@code room}, adding to what it already reads there, and returns their current values: name →
     * {@link Value}, or {@code null} for a name that does not exist (yet; its creation is notified).
     * The caller checks the read grant first.
     */
    public Map<String, Value> subscribe(UUID room, Object subscriber, Sink sink, Collection<String> names) {
        RoomState s = stateOf(room);
        synchronized (s) {
            if (rooms.get(room) != s) { // cleared in between: start over on the new state
                return subscribe(room, subscriber, sink, names);
            }
            Subscription sub = s.subscribers.computeIfAbsent(subscriber, k -> new Subscription(sink));
            sub.names.addAll(names);
            subscribed.computeIfAbsent(subscriber, k -> ConcurrentHashMap.newKeySet()).add(room);
            Map<String, Value> snapshot = new LinkedHashMap<>();
            for (String name : names) {
                JsonNode doc = s.documents.get(name);
                Map<String, JsonNode> map = s.maps.get(name);
                snapshot.put(name, doc != null ? new Value(Value.DOCUMENT, doc.deepCopy())
                        : map != null ? new Value(Value.MAP, copy(map)) : null);
            }
            return snapshot;
        }
    }

    /** Stops {@code subscriber} reading {@code names} in {@code room} (all of them when empty). */
    public void unsubscribe(UUID room, Object subscriber, Collection<String> names) {
        RoomState s = rooms.get(room);
        if (s == null) {
            return;
        }
        synchronized (s) {
            Subscription sub = s.subscribers.get(subscriber);
            if (sub == null) {
                return;
            }
            if (names.isEmpty()) {
                sub.names.clear();
            } else {
                sub.names.removeAll(names);
            }
            if (sub.names.isEmpty()) {
                s.subscribers.remove(subscriber);
                subscribed.computeIfPresent(subscriber, (k, set) -> {
                    set.remove(room);
                    return set.isEmpty() ? null : set;
                });
            }
            s.dropIfEmpty(room);
        }
    }

    /** Ends every subscription of {@code subscriber} (its connection closed). */
    public void unsubscribeAll(Object subscriber) {
        Set<UUID> in = subscribed.remove(subscriber);
        if (in != null) {
            for (UUID room : List.copyOf(in)) {
                unsubscribe(room, subscriber, List.of());
            }
        }
    }

    // ---- internals ----

    private void withRoom(UUID room, java.util.function.Consumer<RoomState> work) {
        withRoom(room, s -> {
            work.accept(s);
            return null;
        });
    }

    /**
     * Runs {@code work} on the room's state as it is in memory, read from the keeper first if this node has
     * none; on a single node, without making any ({@code work} is then not run and the answer is what it
     * answers for an empty state).
     */
    private <T> T read(UUID room, java.util.function.Function<RoomState, T> work) {
        if (keeper == null && !rooms.containsKey(room)) {
            return work.apply(new RoomState(Kept.NONE));
        }
        return withRoom(room, work);
    }

    /** The room's state in memory: made now if there is none, with what the keeper kept of it. */
    private RoomState stateOf(UUID room) {
        RoomState s = rooms.get(room);
        if (s != null) {
            return s;
        }
        Keeper k = keeper;
        if (k == null) {
            return rooms.computeIfAbsent(room, id -> new RoomState(Kept.NONE));
        }
        Load reading;
        synchronized (loads) {
            reading = loads.computeIfAbsent(room, id -> new Load());
            reading.readers++;
        }
        Kept kept;
        try {
            kept = k.load(room); // outside any lock: a round trip to the keeper
        } catch (RuntimeException e) {
            synchronized (loads) {
                reading.done(room);
            }
            throw e;
        }
        synchronized (loads) { // with the read's end, so that a deletion is either seen by the read or finds the state here
            reading.done(room);
            return rooms.computeIfAbsent(room, id -> new RoomState(reading.cleared ? Kept.NONE : kept, reading.deleted));
        }
    }

    private <T> T withRoom(UUID room, java.util.function.Function<RoomState, T> work) {
        while (true) {
            RoomState s = stateOf(room);
            synchronized (s) {
                if (rooms.get(room) == s) {
                    T result = work.apply(s);
                    s.dropIfEmpty(room);
                    return result;
                }
            }
        }
    }

    private static Map<String, Object> change(UUID room, String name, String type, String key, Object value, boolean deleted) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("room", room.toString());
        params.put("name", name);
        params.put("type", type);
        if (key != null) {
            params.put("key", key);
        }
        if (deleted) {
            params.put("deleted", true);
        } else {
            params.put("value", value);
        }
        return params;
    }

    private static Map<String, JsonNode> copy(Map<String, JsonNode> map) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, v.deepCopy()));
        return out;
    }

    /** A read of one room's state from the keeper under way: how many read it, what was deleted meanwhile. */
    private final class Load {
        int readers;
        final Set<String> deleted = new HashSet<>();
        /** The room's whole state was deleted meanwhile ({@link #clear}: the room ended). */
        boolean cleared;

        /** One reader is done (under the lock of {@link #loads}). */
        void done(UUID room) {
            if (--readers == 0) {
                loads.remove(room, this);
            }
        }
    }

    private static final class Subscription {
        final Sink sink;
        final Set<String> names = new HashSet<>();

        Subscription(Sink sink) {
            this.sink = sink;
        }
    }

    /** One room's documents, maps and subscribers; guarded by its own monitor. */
    private final class RoomState {
        final Map<String, JsonNode> documents = new LinkedHashMap<>();
        final Map<String, Map<String, JsonNode>> maps = new LinkedHashMap<>();
        final Map<Object, Subscription> subscribers = new LinkedHashMap<>();

        RoomState(Kept kept) {
            this(kept, Set.of());
        }

        RoomState(Kept kept, Set<String> deleted) {
            kept.documents().forEach((name, value) -> {
                if (!deleted.contains(name)) {
                    documents.put(name, value.deepCopy());
                }
            });
            kept.maps().forEach((name, items) -> maps.put(name, copy(items)));
        }

        Optional<JsonNode> document(String name) {
            return Optional.ofNullable(documents.get(name)).map(JsonNode::deepCopy);
        }

        /** Hands a change to the keeper, if any (under this state's lock, so the keeper sees changes in order). */
        void keep(java.util.function.Consumer<Keeper> change) {
            Keeper k = keeper;
            if (k != null) {
                change.accept(k);
            }
        }

        /** Map {@code name} is made, replacing a document of that name if there was one. */
        void replacedByMap(UUID room, String name) {
            if (documents.remove(name) != null) {
                keep(k -> k.delete(room, name, List.of()));
            }
            keep(k -> k.map(room, name));
        }

        Set<String> names() {
            Set<String> names = new LinkedHashSet<>(documents.keySet());
            names.addAll(maps.keySet());
            return names;
        }

        void send(String name, Map<String, Object> params) {
            for (Subscription sub : subscribers.values()) {
                if (sub.names.contains(name)) {
                    sub.sink.notify(CHANGED, params);
                }
            }
        }

        void dropIfEmpty(UUID room) {
            if (documents.isEmpty() && maps.isEmpty() && subscribers.isEmpty()) {
                rooms.remove(room, this);
            }
        }
    }
}
