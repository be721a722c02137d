package io.atrium.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.atrium.server.edge.Json;
import io.atrium.server.room.Calls;
import io.atrium.server.room.Client;
import io.atrium.server.room.Params;
import io.atrium.server.room.RoomService;
import io.atrium.server.room.RpcException;
import io.atrium.server.room.Session;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket calls of rooms owned by another node, carried over Redis pub/sub (docs/SCALING.md). Each
 * node listens on {@code atrium:relay:<node id>}. The node holding the socket (the edge) decides per call
 * which node runs it: {@code authenticate}, {@code join_room} and {@code watch_room} name a room, whose
 * owner it asks the {@link Cluster} for (placing the room if nobody owns it); every later call of that
 * socket follows. A call for another node goes there as {@code {"t":"call"}}; the owner runs it with a
 * {@link Session} whose {@link Client} publishes notifications and the close back to the edge; answers come
 * back as {@code {"t":"result"}} or {@code {"t":"error"}}. Pub/sub on one connection keeps each node's
 * messages in order, so a socket sees answers and notifications in the order the owner produced them.
 * When a node vanishes from the registry, its relayed sockets and the sockets that subscribed to shared
 * state there are closed (the client reconnects and its room is placed again) and the sessions it held on
 * other nodes end.
 *
 * <p>The SIP methods of contract 002 run where they belong: {@code register_room_api} and
 * {@code convert_to_room} on the socket's node (the registration is that socket; a call through the B2BUA is
 * that node's), {@code create_temp_room} there too (the room it makes runs there, and the socket with it),
 * {@code decline_room_invite} on the node that runs the invite ({@link Reach}) without moving the socket,
 * {@code subscribe_state} and {@code unsubscribe_state} on the node of the room their token names, likewise,
 * {@code invite_exten} with the socket's room. Another node may hold a session of a socket without its room
 * (an invite that rang it): notifications carry their node, and the socket's close is sent to every node
 * that notified it or ran one of its calls.
 */
public final class Relay implements Calls {

    static final String CHANNEL = "atrium:relay:";
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final String self;
    private final RedisClient client;
    private final RedisAsyncCommands<String, String> publish;
    private final RoomService local;
    private final Function<UUID, String> owners;
    private final Function<String, String> invites;
    /** Edge side: the sockets on this node, and the same by relay key. */
    private final Map<Session, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, Route> byKey = new ConcurrentHashMap<>();
    /** Owner side: the sessions of sockets held by other nodes, by relay key ({@code <edge node>/<uuid>}). */
    private final Map<String, Session> hosted = new ConcurrentHashMap<>();
    /** Inbound messages are handled in arrival order, off Lettuce's event loop. */
    private final ExecutorService inbound = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "atrium-relay");
        t.setDaemon(true);
        return t;
    });
    private StatefulRedisPubSubConnection<String, String> subscription;
    /** Nodes that routes or hosted sessions point to and that were absent at the last heartbeat (heartbeat thread only). */
    private Set<String> absent = Set.of();

    Relay(String self, RedisClient client, RedisAsyncCommands<String, String> publish, RoomService local,
          Function<UUID, String> owners, Function<String, String> invites) {
        this.self = self;
        this.invites = invites;
        this.client = client;
        this.publish = publish;
        this.local = local;
        this.owners = owners;
    }

    /** A socket of this node: its key, the node its calls go to (null: this one) and its calls in flight. */
    private static final class Route {
        final String key;
        final Session session;
        final Map<Long, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
        final AtomicLong ids = new AtomicLong();
        /** Other nodes that notified this socket without running its room (an invite rang it); told when it closes. */
        final Set<String> peers = ConcurrentHashMap.newKeySet();
        /** Nodes whose shared state this socket subscribed to ({@code subscribe_state} there): it depends on them as on its owner. */
        final Set<String> state = ConcurrentHashMap.newKeySet();
        volatile String owner;

        Route(String key, Session session) {
            this.key = key;
            this.session = session;
        }
    }

    void start() {
        subscription = client.connectPubSub();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                inbound.execute(() -> receive(message));
            }
        });
        subscription.sync().subscribe(CHANNEL + self);
    }

    @Override
    public CompletableFuture<Object> call(Session session, String method, Params params) {
        Route route = route(session);
        String target;
        try {
            target = target(route, method, params);
        } catch (RpcException e) {
            return CompletableFuture.failedFuture(e);
        } catch (ClusterException | RedisException e) {
            log.warn("{} refused: {}", method, e.getMessage());
            return CompletableFuture.failedFuture(new RpcException(503, "rooms cannot be placed right now, try again"));
        }
        if (target == null) {
            return local.call(session, method, params);
        }
        if (!target.equals(route.owner)) {
            route.peers.add(target); // a one-off call: that node keeps a session of this socket too
        }
        long id = route.ids.incrementAndGet();
        CompletableFuture<Object> answer = new CompletableFuture<>();
        route.pending.put(id, answer);
        ObjectNode m = message("call", route.key);
        m.put("n", id);
        m.put("m", method);
        m.set("p", params.json());
        m.put("a", session.address());
        send(target, m).exceptionally(e -> {
            route.pending.remove(id);
            answer.completeExceptionally(new RpcException(503, "the room's node cannot be reached right now, try again"));
            return null;
        });
        if (method.equals("subscribe_state")) {
            answer.thenRun(() -> route.state.add(target));
        }
        return answer;
    }

    private Route route(Session session) {
        return routes.computeIfAbsent(session, s -> {
            Route r = new Route(self + "/" + UUID.randomUUID(), s);
            byKey.put(r.key, r);
            return r;
        });
    }

    /** The node a call runs on, null for this one (see the class's comment); moves the socket when the call names a room. */
    private String target(Route route, String method, Params params) {
        switch (method) {
            case "register_room_api", "convert_to_room" -> {
                return null;
            }
            case "create_temp_room" -> {
                move(route, null);
                return null;
            }
            case "subscribe_state", "unsubscribe_state" -> {
                // to the node of the room's shared state, without moving the socket (a waiting user's socket reads a meeting's)
                String node = owners.apply(local.tokenRoom(params));
                return node.equals(self) ? null : node;
            }
            case "decline_room_invite" -> {
                String node = invites.apply(params.required("call_id", 128));
                return node == null || node.equals(self) ? null : node;
            }
            default -> {
                Optional<UUID> room = local.named(method, params);
                if (room.isPresent()) {
                    String owner = owners.apply(room.get());
                    move(route, owner.equals(self) ? null : owner);
                }
                return route.owner;
            }
        }
    }

    /** The socket's calls go to {@code owner} (null: this node) from now on, leaving where they went before. */
    private void move(Route route, String owner) {
        if (!Objects.equals(owner, route.owner)) {
            leave(route);
            route.owner = owner;
        }
    }

    /** The relay key of this node's socket {@code session} (made now if it has none). */
    String key(Session session) {
        return route(session).key;
    }

    /** The relay key of this node's socket {@code session}, if it has one. */
    Optional<String> keyOf(Session session) {
        return Optional.ofNullable(routes.get(session)).map(r -> r.key);
    }

    /**
     * The session this node runs for another node's socket {@code key} (made now if it has none): its
     * notifications and its close go to that socket.
     */
    Session proxy(String key, String address) {
        String edge = key.substring(0, Math.max(0, key.indexOf('/')));
        return hosted.computeIfAbsent(key, k -> new Session(new Back(edge, k), address));
    }

    /** The socket leaves the node it was relayed to, or its local room, before going elsewhere. */
    private void leave(Route route) {
        if (route.owner != null) {
            send(route.owner, message("closed", route.key));
            failPending(route, "the socket moved to another room");
        } else {
            local.left(route.session);
        }
    }

    @Override
    public void closed(Session session) {
        local.closed(session); // first: what it was here (a video registration) is withdrawn by its relay key
        Route route = routes.remove(session);
        if (route != null) {
            byKey.remove(route.key);
            if (route.owner != null) {
                send(route.owner, message("closed", route.key));
                failPending(route, "the socket closed");
            }
            route.peers.stream().filter(node -> !node.equals(route.owner)).forEach(node -> send(node, message("closed", route.key)));
        }
    }

    /**
     * The nodes live at this heartbeat. A node absent at two heartbeats in a row is gone (one absence may be
     * Redis restarted empty, before the others beat again): sockets relayed to it, or subscribed to shared
     * state there, are closed, so their clients reconnect and the room is placed again (its state restored
     * there); sessions this node ran for sockets held there end.
     */
    void nodesLive(Set<String> live) {
        Set<String> absentNow = new HashSet<>();
        for (Route r : routes.values()) {
            Set<String> on = new HashSet<>(r.state);
            if (r.owner != null) {
                on.add(r.owner);
            }
            on.removeAll(live);
            if (on.stream().anyMatch(absent::contains)) {
                failPending(r, "the room's node is gone");
                r.session.client().closeToReconnect("the room's node is gone; reconnect");
            } else {
                absentNow.addAll(on);
            }
        }
        hosted.entrySet().removeIf(e -> {
            String edge = e.getKey().substring(0, e.getKey().indexOf('/'));
            if (live.contains(edge)) {
                return false;
            }
            if (!absent.contains(edge)) {
                absentNow.add(edge);
                return false;
            }
            local.closed(e.getValue());
            return true;
        });
        absent = absentNow;
    }

    private void failPending(Route route, String why) {
        route.pending.values().forEach(f -> f.completeExceptionally(new RpcException(503, why)));
        route.pending.clear();
    }

    private void receive(String text) {
        JsonNode m;
        try {
            m = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            log.warn("ignoring an unreadable relay message: {}", e.getOriginalMessage());
            return;
        }
        String key = m.path("s").asText();
        switch (m.path("t").asText()) {
            case "call" -> run(key, m);
            case "closed" -> {
                Session s = hosted.remove(key);
                if (s != null) {
                    local.closed(s);
                }
            }
            case "result", "error" -> {
                Route r = byKey.get(key);
                CompletableFuture<Object> f = r == null ? null : r.pending.remove(m.path("n").asLong());
                if (f != null) {
                    if (m.path("t").asText().equals("result")) {
                        f.complete(m.get("r"));
                    } else {
                        JsonNode data = m.get("d");
                        f.completeExceptionally(new RpcException(m.path("c").asInt(), m.path("e").asText(),
                                data == null || data.isNull() ? null : data));
                    }
                }
            }
            case "notify" -> {
                Route r = byKey.get(key);
                if (r != null) {
                    String from = m.path("o").asText();
                    if (!from.equals(r.owner)) {
                        r.peers.add(from);
                    }
                    r.session.client().notify(m.path("m").asText(), m.get("p"));
                }
            }
            case "close" -> {
                Route r = byKey.get(key);
                if (r != null) {
                    r.session.client().close(m.path("e").asText());
                }
            }
            default -> log.warn("ignoring a relay message of unknown type {}", m.path("t"));
        }
    }

    /** Owner side: runs a relayed call with the session of its socket, and sends the answer back. */
    private void run(String key, JsonNode m) {
        String edge = key.substring(0, Math.max(0, key.indexOf('/')));
        Session session = proxy(key, m.path("a").asText());
        long n = m.path("n").asLong();
        String method = m.path("m").asText();
        CompletableFuture<Object> result;
        try {
            result = local.call(session, method, new Params(m.get("p")));
        } catch (RpcException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((r, error) -> {
            ObjectNode answer = message(error == null ? "result" : "error", key);
            answer.put("n", n);
            if (error == null) {
                answer.set("r", Json.MAPPER.valueToTree(r));
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                RpcException e = cause instanceof RpcException rpc ? rpc : new RpcException(500, "internal error");
                if (!(cause instanceof RpcException)) {
                    log.error("relayed {} failed", method, cause);
                }
                answer.put("c", e.code());
                answer.put("e", e.getMessage());
                answer.set("d", Json.MAPPER.valueToTree(e.data()));
            }
            send(edge, answer);
        });
    }

    /** The owner's side of a socket held by another node: notifications and the close go back over Redis. */
    private final class Back implements Client {
        private final String edge;
        private final String key;

        Back(String edge, String key) {
            this.edge = edge;
            this.key = key;
        }

        @Override
        public void notify(String method, Object params) {
            ObjectNode m = message("notify", key);
            m.put("o", self);
            m.put("m", method);
            m.set("p", Json.MAPPER.valueToTree(params));
            send(edge, m);
        }

        @Override
        public void close(String reason) {
            ObjectNode m = message("close", key);
            m.put("e", reason);
            send(edge, m);
        }
    }

    private static ObjectNode message(String type, String key) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("t", type);
        m.put("s", key);
        return m;
    }

    /** Publishes {@code message} to {@code node}; the stage fails when Redis refused it (logged here). */
    private java.util.concurrent.CompletionStage<Long> send(String node, ObjectNode message) {
        java.util.concurrent.CompletionStage<Long> sent = publish.publish(CHANNEL + node, message.toString());
        sent.exceptionally(e -> {
            log.warn("relay message to {} lost: {}", node, e.toString());
            return null;
        });
        return sent;
    }

    void close() {
        inbound.shutdownNow();
        if (subscription != null) {
            subscription.close();
        }
    }
}
