package io.atrium.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook endpoint as an operator would write one, on 127.0.0.1: the JDK's HttpServer checks every
 * request's Standard Webhooks signature and timestamp the way the standard's verifiers do (its own
 * HMAC, not Atrium's code), records what arrived per path, and answers what {@link #on} says for
 * (message id, attempt number at this path). A request with a bad signature is recorded as bad and
 * answered 401.
 */
public final class WebhookReceiver implements AutoCloseable {

    public static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "atrium-webhook-test-secret-32-bytes!".getBytes(StandardCharsets.US_ASCII));
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request that passed the signature check. */
    public record Delivery(String path, String id, long timestamp, JsonNode body) {
        public String type() {
            return body.get("type").asText();
        }

        public JsonNode data() {
            return body.get("data");
        }
    }

    public final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    public final AtomicInteger badSignatures = new AtomicInteger();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, BiFunction<String, Integer, Integer>> behaviour = new ConcurrentHashMap<>();
    private final HttpServer server;

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    /** What {@code path} answers: a status for (message id, attempt at this path, from 1); 200 when not set. */
    public WebhookReceiver on(String path, BiFunction<String, Integer, Integer> status) {
        behaviour.put(path, status);
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The deliveries that arrived at {@code path}, in arrival order. */
    public List<Delivery> at(String path) {
        return deliveries.stream().filter(d -> d.path().equals(path)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String id = ex.getRequestHeaders().getFirst("webhook-id");
            String timestamp = ex.getRequestHeaders().getFirst("webhook-timestamp");
            String signatures = ex.getRequestHeaders().getFirst("webhook-signature");
            String path = ex.getRequestURI().getPath();
            if (!verify(id, timestamp, signatures, body)) {
                badSignatures.incrementAndGet();
                ex.sendResponseHeaders(401, -1);
                return;
            }
            int attempt = attempts.computeIfAbsent(path + " " + id, k -> new AtomicInteger()).incrementAndGet();
            int status = behaviour.getOrDefault(path, (i, n) -> 200).apply(id, attempt);
            if (status / 100 == 2) {
                deliveries.add(new Delivery(path, id, Long.parseLong(timestamp), JSON.readTree(body)));
            }
            ex.sendResponseHeaders(status, -1);
        }
    }

    /** The standard's check: every "v1,<base64>" in the header against HMAC-SHA256(id.timestamp.body), timestamp within 5 minutes. */
    static boolean verify(String id, String timestamp, String signatures, byte[] body) {
        if (id == null || timestamp == null || signatures == null
                || Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring(6)), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            for (String s : signatures.split(" ")) {
                if (s.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(s.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
