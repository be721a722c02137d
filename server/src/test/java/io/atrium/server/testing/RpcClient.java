package io.atrium.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A JSON-RPC client over a real WebSocket to {@code /v1/rtc}, recording every notification. */
public final class RpcClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    public final List<JsonNode> notifications = new CopyOnWriteArrayList<>();
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** The reason of the server's close frame, once {@link #closed}. */
    public volatile String closeReason;

    public RpcClient(URI uri) {
        this(uri, Map.of());
    }

    /** A client whose upgrade request carries {@code headers} (e.g. a proxy's X-Forwarded-For). */
    public RpcClient(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        headers.forEach(builder::header);
        socket = builder.buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    receive(text.toString());
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                closeReason = reason;
                closed.complete(status);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.complete(-1);
            }
        }).join();
    }

    public static RpcClient connect(TestServer server) {
        return new RpcClient(URI.create("ws://127.0.0.1:" + server.server().httpPort() + "/v1/rtc"));
    }

    /**
     * A new socket that {@code server} serves, once its client address has a free place
     * ({@code rooms.sockets_per_address}; the server learns of a close a moment after the client), within {@code limit}.
     */
    public static RpcClient connectServed(TestServer server, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (int attempt = 0; attempt < 200 && System.nanoTime() < deadline; attempt++) {
            RpcClient c = connect(server);
            if (c.served()) {
                return c;
            }
            c.close();
            Thread.sleep(50);
        }
        throw new AssertionError("no free place for a new socket within " + limit);
    }

    /**
     * Whether the server serves this socket (answers an unknown method with the socket's own JSON-RPC error) rather
     * than closing it as one too many for its address (1013).
     */
    public boolean served() {
        CompletableFuture<Boolean> answered = CompletableFuture
                .supplyAsync(() -> request("no_such_method", Map.of()).at("/error/code").asInt() == -32601)
                .exceptionally(e -> false);
        return (Boolean) CompletableFuture.anyOf(answered, closed.thenApply(code -> false)).orTimeout(15, TimeUnit.SECONDS).join();
    }

    /**
     * Authenticates as guest {@code callId} of open room {@code room} and joins it publishing from {@code peer}
     * (audio and video), connecting it with the answer ({@link JavaPeer#connect}).
     */
    public void joinAsGuest(String room, String callId, JavaPeer peer) {
        String token = call("authenticate", Map.of("room", room, "call_id", callId, "display_name", callId)).get("auth_token").asText();
        peer.connect(call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token)).get("sdp").asText());
    }

    private void receive(String text) {
        try {
            JsonNode message = JSON.readTree(text);
            JsonNode id = message.get("id");
            if (id != null && !id.isNull() && pending.containsKey(id.asText())) {
                pending.remove(id.asText()).complete(message);
            } else {
                notifications.add(message);
                inbox.add(message);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a request and returns the whole response ({@code result} or {@code error}). */
    public JsonNode request(String method, Object params) {
        String id = "r" + ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        sendRaw(message.toString());
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer to " + method, e);
        }
    }

    /** The {@code result} of a request that must succeed. */
    public JsonNode call(String method, Object params) {
        JsonNode response = request(method, params);
        if (response.has("error")) {
            throw new AssertionError(method + " failed: " + response.get("error"));
        }
        return response.get("result");
    }

    /** Sends a notification (no id). */
    public void notifyServer(String method, Object params) {
        ObjectNode message = JSON.createObjectNode().put("method", method);
        message.set("params", JSON.valueToTree(params));
        sendRaw(message.toString());
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    /** Waits for the next notification {@code method} (skipping others) and returns its params. */
    public JsonNode await(String method) {
        return await(method, Duration.ofSeconds(10));
    }

    /** Waits up to {@code limit} for the next notification {@code method} (skipping others) and returns its params. */
    public JsonNode await(String method, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode n = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (n != null && method.equals(n.path("method").asText())) {
                    return n.get("params");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no " + method + " notification; got " + notifications);
    }

    /** The raw reply to a message that has no usable id (e.g. a parse error). */
    public JsonNode nextUnsolicited() {
        try {
            JsonNode n = inbox.poll(10, TimeUnit.SECONDS);
            if (n == null) {
                throw new AssertionError("nothing arrived");
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public void clearInbox() {
        inbox.clear();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }
}
