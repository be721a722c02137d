package io.atrium.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atrium.server.AtriumServer;
import io.atrium.server.config.AtriumConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

/**
 * A real Atrium on 127.0.0.1 and a free port, over H2 in a temporary data directory or a fresh
 * PostgreSQL database, with an HTTP client that speaks to it with the test API key.
 */
public final class TestServer implements AutoCloseable {

    public static final String KEY = "test-key";
    public static final String SECRET = "test-secret-0123456789-abcdefghijklmnop";
    public static final String BASIC = "Basic " + Base64.getEncoder().encodeToString((KEY + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** Which database a test runs against. */
    public enum Db { H2, POSTGRES }

    private final AtriumConfig config;
    private final Clock clock;
    private AtriumServer server;

    private TestServer(AtriumConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.server = AtriumServer.start(config, clock);
    }

    /**
     * A configuration for tests: 127.0.0.1, port 0, the test key, the given database, and no shutdown grace: with one,
     * Jetty's graceful stop waits its connectors' shutdown idle timeout (1 s) for the test client's idle keep-alive
     * connection, on every close (OperationsTest.inFlightRequestsFinishDuringShutdown tests the grace).
     */
    public static AtriumConfig config(Db db, Path dataDir) {
        String url = db == Db.POSTGRES ? Postgres.get().newDatabase() : "";
        String user = db == Db.POSTGRES ? Postgres.USER : "";
        String password = db == Db.POSTGRES ? Postgres.PASSWORD : "";
        return new AtriumConfig(false, dataDir.toString(),
                // the web tests' hosts keep the test key in their tab, as an operator may allow (HomePageBrowserTest: off)
                new AtriumConfig.Http("127.0.0.1", 0, 65_536L, 0).withBrowserApiKey(true),
                new AtriumConfig.Rtc(0, null, null, null),
                new AtriumConfig.Database(url, user, password, 4),
                new AtriumConfig.Auth(Map.of(KEY, SECRET), 3600L, 86_400L));
    }

    /** {@code c} with per-address guess limits far above what a contract test's deliberate wrong answers need. */
    public static AtriumConfig generousLimits(AtriumConfig c) {
        return c.withHttp(c.http().withLimits(c.http().trustedProxies(), 10_000, 100_000));
    }

    public static TestServer start(Db db) {
        try {
            return new TestServer(config(db, Files.createTempDirectory("atrium-test-")), Clock.systemUTC());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestServer start(AtriumConfig config) {
        return new TestServer(config, Clock.systemUTC());
    }

    /** A server whose every expiry and timeout reads {@code clock} (e.g. a {@link ManualClock} the test moves). */
    public static TestServer start(AtriumConfig config, Clock clock) {
        return new TestServer(config, clock);
    }

    public AtriumServer server() {
        return server;
    }

    public AtriumConfig config() {
        return config;
    }

    /** Stops and starts the server again over the same data directory and database. */
    public void restart() {
        server.close();
        server = AtriumServer.start(config, clock);
    }

    public URI uri(String path) {
        String scheme = config.http().tls().enabled() ? "https" : "http";
        String host = config.http().host().equals("0.0.0.0") ? "127.0.0.1" : config.http().host();
        return URI.create(scheme + "://" + host + ":" + server.httpPort() + path);
    }

    /** A response: status, headers and body text, with the body parsed as JSON on demand. */
    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response is not JSON: " + body, e);
            }
        }
    }

    public Response send(String method, String path, String body, String authorization) {
        return send(method, path, body, "application/json", authorization);
    }

    public Response send(String method, String path, String body, String contentType, String authorization) {
        return send(uri(path), method, body, contentType, authorization);
    }

    /** A request to any server (e.g. a {@link ChildServer}'s {@code uri(path)}). */
    public static Response send(URI uri, String method, String body, String contentType, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path) {
        return send("GET", path, null, BASIC);
    }

    public Response post(String path, String body) {
        return send("POST", path, body, BASIC);
    }

    public Response put(String path, String body) {
        return send("PUT", path, body, BASIC);
    }

    public Response delete(String path) {
        return send("DELETE", path, null, BASIC);
    }

    /** Creates a room and returns its uuid. */
    public String createRoom(String name) {
        Response r = post("/v1/rooms", "{\"room\":{\"name\":\"" + name + "\"}}");
        if (r.status() != 201) {
            throw new AssertionError("cannot create room: " + r.status() + " " + r.body());
        }
        return r.json().at("/room/uuid").asText();
    }

    /** Mints an access token for the room; {@code extra} is more JSON fields, e.g. {@code "admin": true}. */
    public String token(String room, String extra) {
        Response r = post("/v1/tokens", "{\"room\":\"" + room + "\"" + (extra.isEmpty() ? "" : ", " + extra) + "}");
        if (r.status() != 201) {
            throw new AssertionError("cannot mint token: " + r.status() + " " + r.body());
        }
        return r.json().get("token").asText();
    }

    /** The {@code jti} claim of an access token: what {@code POST /v1/tokens/revoke {jti}} names. */
    public static String jti(String token) {
        try {
            return JSON.readTree(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
                    .get("jti").asText();
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JWT: " + token, e);
        }
    }

    /** Creates a user and returns its uuid. */
    public String createUser(String username) {
        Response r = post("/v1/users", "{\"user\":{\"username\":\"" + username + "\",\"display_name\":\"" + username
                + " display\",\"password\":\"password-" + username + "\"}}");
        if (r.status() != 201) {
            throw new AssertionError("cannot create user: " + r.status() + " " + r.body());
        }
        return r.json().at("/user/uuid").asText();
    }

    @Override
    public void close() {
        server.close();
    }
}
