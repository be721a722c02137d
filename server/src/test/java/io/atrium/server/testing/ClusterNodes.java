package io.atrium.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.cluster.Cluster;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.Compat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * Atrium nodes on one real Redis and one PostgreSQL database (docs/SCALING.md), as a JUnit extension of a test
 * class: {@code @RegisterExtension static final ClusterNodes cluster = new ClusterNodes("n1", "n2", "n3");}
 * starts Redis and those nodes in this JVM (each its own {@code AtriumServer} with its own HTTP and media ports)
 * before the class's tests, and stops everything after them: the nodes, more nodes started by a test
 * ({@link #node}, or {@link #child} as separate processes, killable with SIGKILL), and whatever a test handed
 * to {@link #closing}. A {@link TestServer} field of the test named after a node ({@code TestServer n1;}) is
 * that node. Every node knows the same API keys (the test key and dev mode's {@code devkey}, which a
 * child in {@code --dev} signs with), so a token minted on one is good on all.
 */
public final class ClusterNodes implements BeforeAllCallback, TestInstancePostProcessor, AfterAllCallback {

    /** What dev mode adds (ConfigValidator), known to every node so that tokens cross. */
    /** The passcode of contract 000's endpoints (live streams) on every in-JVM node. */
    public static final String LIVE_PASSCODE = "cluster-live-passcode";
    public static final Map<String, String> KEYS = Map.of(TestServer.KEY, TestServer.SECRET, "devkey", "secret");

    private final List<String> first;
    private boolean sip;
    private Integer emptyStreamSeconds;
    private final Map<String, Integer> sipPorts = new LinkedHashMap<>();
    private final Map<String, TestServer> nodes = new LinkedHashMap<>();
    private final List<AutoCloseable> started = new ArrayList<>();
    private Redis redis;
    private AtriumConfig.Database database;

    /** The nodes ({@code n1}, {@code n2}...) started in this JVM before the class's tests. */
    public ClusterNodes(String... ids) {
        first = List.of(ids);
    }

    /** Every node in this JVM also runs SIP (its registrar and contract 002's SIP methods) on a port of its own ({@link #sipPort}). */
    public ClusterNodes withSip() {
        sip = true;
        return this;
    }

    /** Every node in this JVM ends a live stream (and, after a takeover, prunes its maps) {@code seconds} after its room empties. */
    public ClusterNodes withEmptyStreamTimeout(int seconds) {
        emptyStreamSeconds = seconds;
        return this;
    }

    /** The SIP port of node {@code id} (started {@link #withSip}). */
    public int sipPort(String id) {
        return sipPorts.get(id);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = Redis.start();
        database = TestServer.config(TestServer.Db.POSTGRES, Path.of("unused")).database();
        first.forEach(this::node); // one after the other: the first migrates the database
        first.forEach(this::waitListed);
    }

    @Override
    public void postProcessTestInstance(Object test, ExtensionContext context) throws IllegalAccessException {
        for (Field f : test.getClass().getDeclaredFields()) {
            if (f.getType() == TestServer.class && !Modifier.isStatic(f.getModifiers()) && first.contains(f.getName())) {
                f.setAccessible(true);
                f.set(test, node(f.getName()));
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("could not close " + started.get(i) + ": " + e);
            }
        }
        started.clear();
        nodes.clear();
        redis.close();
    }

    public Redis redis() {
        return redis;
    }

    /** Node {@code id} in this JVM, started now (and listed by the cluster) if it is not running yet. */
    public TestServer node(String id) {
        TestServer node = nodes.get(id);
        if (node == null) {
            node = startNode(id);
            nodes.put(id, node);
            if (!first.contains(id)) {
                waitListed(id);
            }
        }
        return node;
    }

    /** Waits until the first node lists node {@code id} (its first heartbeat is in Redis). */
    private void waitListed(String id) {
        Waits.waitUntil(() -> of(nodes.get(first.get(0))).nodes().containsKey(id), id + " listed", Duration.ofSeconds(30));
    }

    private TestServer startNode(String id) {
        try {
            AtriumConfig c = TestServer.config(TestServer.Db.H2, Files.createTempDirectory("atrium-" + id + "-"));
            AtriumConfig config = new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), database,
                    new AtriumConfig.Auth(KEYS, 3600L, 86_400L)).withCluster(new AtriumConfig.Cluster(redis.url(), id, null, null, null, null, null))
                    .withCompat(new Compat(new Compat.Live(LIVE_PASSCODE, null, emptyStreamSeconds), new Compat.Meetings(null, null)));
            if (sip) {
                sipPorts.put(id, Ports.free());
                config = config.withSip(new AtriumConfig.Sip(true, "127.0.0.1", sipPorts.get(id), "", "atrium", 1, 3600, 100, 30, 0, 0,
                        List.of("MD5"), List.of()));
            }
            return closing(TestServer.start(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts node {@code id} as a separate JVM ({@code java ... Main --dev}) on the same Redis and database and
     * waits until the cluster lists it.
     */
    public ChildServer child(String id) {
        return child(id, Map.of());
    }

    /** As {@link #child(String)}, with more {@code ATRIUM_*} settings. */
    public ChildServer child(String id, Map<String, String> more) {
        try {
            return child(id, Files.createTempDirectory("atrium-" + id + "-"), more);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #child(String, Map)}, over {@code dataDir} (a node started again over the data directory it had). */
    public ChildServer child(String id, Path dataDir, Map<String, String> more) {
        Map<String, String> env = new LinkedHashMap<>(more);
        env.putAll(Map.of(
                "ATRIUM_DATABASE_URL", database.url(),
                "ATRIUM_DATABASE_USERNAME", database.username(),
                "ATRIUM_DATABASE_PASSWORD", database.password(),
                "ATRIUM_AUTH_API_KEYS", "{" + TestServer.KEY + ": " + TestServer.SECRET + "}",
                "ATRIUM_CLUSTER_REDIS_URL", redis.url(),
                "ATRIUM_CLUSTER_NODE_ID", id));
        ChildServer child = closing(ChildServer.start(dataDir, env));
        waitListed(id);
        return child;
    }

    /** Closes {@code resource} after the class's tests (before the nodes), in reverse order. */
    public <T extends AutoCloseable> T closing(T resource) {
        started.add(resource);
        return resource;
    }

    /** The cluster of an in-JVM node. */
    public static Cluster of(TestServer node) {
        return node.server().cluster().orElseThrow();
    }

    /** The node that holds the lease of {@code room} now, as Redis has it (empty: none). */
    public String owner(String room) {
        return redis.cli("GET", "atrium:room:" + room);
    }

    public String owner(UUID room) {
        return owner(room.toString());
    }

    /** A new open room (anyone with a token joins without the waiting room), made through {@code node}'s REST API. */
    public static String openRoom(TestServer node, String name) {
        return node.post("/v1/rooms", "{\"room\": {\"name\": \"" + name + "\", \"open\": true}}").json().at("/room/uuid").asText();
    }

    /** A WebSocket on the node listening on {@code port}, closed after the class's tests. */
    public RpcClient socket(int port) {
        return closing(new RpcClient(URI.create("ws://127.0.0.1:" + port + "/v1/rtc")));
    }

    public RpcClient socket(TestServer node) {
        return socket(node.server().httpPort());
    }

    /** A member with a Java WebRTC peer: its socket, peer connection, token and {@code join_room}'s result. */
    public record Member(RpcClient rpc, JavaPeer peer, String token, JsonNode joined) {
    }

    /** {@code authenticate} and {@code join_room} (publishing audio and video) on one socket to the node on {@code port}. */
    public Member join(int port, String room, String callId) {
        RpcClient rpc = socket(port);
        String token = rpc.call("authenticate", Map.of("room", room, "call_id", callId, "name", callId)).get("auth_token").asText();
        return joinOn(rpc, token);
    }

    public Member join(TestServer node, String room, String callId) {
        return join(node.server().httpPort(), room, callId);
    }

    /** What the SDK does after a drop: {@code join_room} with its token on a new socket (here with a new peer connection too). */
    public Member rejoin(int port, String token) {
        return joinOn(socket(port), token);
    }

    /** {@code join_room} with {@code token} (publishing audio and video) on the socket {@code rpc}. */
    public Member joinOn(RpcClient rpc, String token) {
        JavaPeer peer = closing(new JavaPeer());
        JsonNode joined = rpc.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token,
                "audio_muted", false, "video_muted", false));
        peer.connect(joined.get("sdp").asText());
        return new Member(rpc, peer, token, joined);
    }
}
