package io.atrium.server.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.atrium.server.edge.Json;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.edge.ClientAddress;
import io.atrium.server.room.Calls;
import io.atrium.server.room.Client;
import io.atrium.server.room.Params;
import io.atrium.server.room.RoomMethods;
import io.atrium.server.room.RoomService;
import io.atrium.server.room.RpcException;
import io.atrium.server.room.Session;
import io.atrium.server.room.SipRooms;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint {@code GET /v1/rtc}: JSON-RPC framing (docs/PROTOCOL.md), a size limit, a
 * per-connection rate limit and at most {@code rooms.sockets_per_address} open sockets per client address
 * (one more is closed at once with {@link #TOO_MANY_SOCKETS}); every call goes to the {@link RoomService}.
 * A malformed message gets a JSON-RPC error on its own connection and never affects another.
 */
public final class RtcSocket {

    private static final Logger log = LoggerFactory.getLogger(RtcSocket.class);
    /** How long a socket the server closes waits at most for the answers to its requests in flight. */
    static final long CLOSE_AFTER_MILLIS = 5000;
    /** The close of a socket beyond {@code rooms.sockets_per_address}: 1013 "try again later" (RFC 6455 registry). */
    static final CloseStatus TOO_MANY_SOCKETS = new CloseStatus(1013, "too many connections from this address");

    private final RoomService rooms;
    private final Calls calls;
    private final AtriumConfig.Rooms config;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    /** Open sockets per client address; an address leaves the map when its last socket closes. */
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();

    private final ClientAddress clients;

    public RtcSocket(RoomService rooms, AtriumConfig.Rooms config) {
        this(rooms, config, new ClientAddress(java.util.List.of()));
    }

    /** {@code clients} tells each socket's client address (X-Forwarded-For only from trusted proxies). */
    public RtcSocket(RoomService rooms, AtriumConfig.Rooms config, ClientAddress clients) {
        this(rooms, rooms, config, clients);
    }

    /** As above, with the calls going to {@code calls} (with many nodes: the cluster's relay, docs/SCALING.md). */
    public RtcSocket(RoomService rooms, Calls calls, AtriumConfig.Rooms config, ClientAddress clients) {
        this.rooms = rooms;
        this.calls = calls;
        this.config = config;
        this.clients = clients;
    }

    public void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            ctx.session.setMaxTextMessageSize(config.maxMessageBytes());
            ctx.session.setIdleTimeout(java.time.Duration.ofSeconds(60));
            String address = address(ctx);
            if (perAddress.merge(address, 1, Integer::sum) > config.socketsPerAddress()) {
                leave(address);
                log.debug("socket from {} refused: {} open already", address, config.socketsPerAddress());
                ctx.closeSession(TOO_MANY_SOCKETS);
                return;
            }
            ctx.enableAutomaticPings(15, TimeUnit.SECONDS);
            connections.put(ctx.sessionId(), new Connection(ctx, address, config.messagesPerSecond()));
        });
        ws.onMessage(ctx -> {
            Connection c = connections.get(ctx.sessionId());
            if (c != null) {
                c.onMessage(ctx.message());
            }
        });
        ws.onClose(ctx -> {
            Connection c = connections.remove(ctx.sessionId());
            if (c != null) {
                leave(c.address);
                calls.closed(c.session);
            }
        });
        ws.onError(ctx -> log.debug("websocket error on {}: {}", ctx.sessionId(), String.valueOf(ctx.error())));
    }

    /** The client's IP address: the socket's peer, or what a trusted proxy's X-Forwarded-For says (edge/ClientAddress). */
    private String address(WsContext ctx) {
        java.net.SocketAddress a = ctx.session.getRemoteSocketAddress();
        String peer = a instanceof java.net.InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : String.valueOf(a);
        java.util.List<String> forwarded = ctx.session.getUpgradeRequest().getHeaders("X-Forwarded-For");
        return clients.resolve(peer, java.util.Collections.enumeration(forwarded == null ? java.util.List.of() : forwarded));
    }

    /** One socket of {@code address} closed (or was refused). */
    private void leave(String address) {
        perAddress.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
    }

    /** Messages refused by the per-connection rate limit, for metrics. */
    public long rateLimited() {
        return refused.sum();
    }

    /** One client connection: its room session, its rate limit, and the way back to it. */
    private final class Connection implements Client {
        private final WsContext ctx;
        private final String address;
        private final Session session;
        private final double rate;
        private double tokens;
        private long lastRefill = System.nanoTime();
        /** Requests sent to the rooms and not answered yet; guarded by this. */
        private int inFlight;
        /** Set when the server closed the socket while requests were in flight: it closes once they are answered. */
        private String closing;

        Connection(WsContext ctx, String address, int perSecond) {
            this.ctx = ctx;
            this.address = address;
            this.session = new Session(this, address);
            this.rate = perSecond;
            this.tokens = perSecond * 2.0;
        }

        void onMessage(String text) {
            boolean allowed = allow(); // every frame counts, junk too
            JsonNode message;
            try {
                message = Json.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                message = null;
            }
            JsonNode id = message instanceof ObjectNode ? message.get("id") : null;
            boolean request = message instanceof ObjectNode && (id == null || id.isTextual() || id.isNumber() || id.isNull());
            if (!allowed) { // refused under its own id when it is a request, so that its caller is not left waiting
                refused.increment();
                reply(request ? id : null, new RpcException(429, "too many requests"));
                return;
            }
            if (!(message instanceof ObjectNode)) {
                reply(null, new RpcException(-32700, "parse error"));
                return;
            }
            if (!request) {
                sendError(null, RpcException.invalid("id")); // a request all the same: answered, with id null
                return;
            }
            JsonNode method = message.get("method");
            if (method == null || !method.isTextual()) {
                reply(id, RpcException.invalid("method"));
                return;
            }
            String name = method.textValue();
            if (!RoomMethods.names().contains(name) && !SipRooms.METHODS.contains(name)) {
                reply(id, new RpcException(-32601, "method not found"));
                return;
            }
            Params params;
            try {
                params = new Params(message.get("params"));
            } catch (RpcException e) {
                reply(id, e);
                return;
            }
            synchronized (this) {
                if (closing != null) {
                    return; // the server is closing this socket: nothing new is started
                }
                inFlight++;
            }
            calls.call(session, name, params).whenComplete((result, error) -> {
                if (error != null) {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (!(cause instanceof RpcException)) {
                        log.error("{} failed", name, cause);
                        cause = new RpcException(500, "internal error");
                    }
                    reply(id, (RpcException) cause);
                } else if (id != null) {
                    Map<String, Object> response = new LinkedHashMap<>();
                    response.put("id", id);
                    response.put("result", result);
                    send(response);
                }
                answered();
            });
        }

        private synchronized void answered() {
            inFlight--;
            if (inFlight == 0 && closing != null) {
                closeNow(closing);
            }
        }

        private synchronized boolean allow() {
            long now = System.nanoTime();
            tokens = Math.min(rate * 2, tokens + (now - lastRefill) * rate / 1e9);
            lastRefill = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        private void reply(JsonNode id, RpcException e) {
            if (id == null && e.code() != -32700) {
                log.debug("notification failed: {} {}", e.code(), e.getMessage());
                return;
            }
            sendError(id, e);
        }

        private void sendError(JsonNode id, RpcException e) {
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("id", id);
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", e.code());
            error.put("message", e.getMessage());
            if (e.data() != null) {
                error.put("data", e.data());
            }
            response.put("error", error);
            send(response);
        }

        @Override
        public void notify(String method, Object params) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("method", method);
            message.put("params", params);
            send(message);
        }

        private synchronized void send(Object message) {
            if (!ctx.session.isOpen()) {
                return;
            }
            try {
                ctx.send(Json.MAPPER.writeValueAsString(message));
            } catch (JsonProcessingException | RuntimeException e) {
                log.debug("cannot send to {}: {}", ctx.sessionId(), e.toString());
            }
        }

        /**
         * Closes the socket; requests still in flight are answered first (e.g. the {@code end_session}
         * that ends the room this socket watches gets its result, then the close), for at most
         * {@link #CLOSE_AFTER_MILLIS}.
         */
        @Override
        public synchronized void close(String reason) {
            if (inFlight > 0) {
                if (closing == null) {
                    rooms.schedule(() -> closeNow(reason), CLOSE_AFTER_MILLIS); // an answer that never comes
                }
                closing = reason;
            } else {
                closeNow(reason);
            }
        }

        private synchronized void closeNow(String reason) {
            if (ctx.session.isOpen()) {
                ctx.closeSession(new CloseStatus(1000, reason));
            }
        }
    }
}
