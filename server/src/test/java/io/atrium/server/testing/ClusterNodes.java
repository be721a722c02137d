package io.atrium.server.testing;

import io.atrium.server.cluster.Cluster;
import io.atrium.server.config.AtriumConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Atrium nodes on one real Redis and one PostgreSQL database (docs/SCALING.md): in this JVM ({@link #node}),
 * each its own {@code AtriumServer} with its own HTTP and media ports, or as separate processes
 * ({@link #child}, killable with SIGKILL). Every node knows the same API keys (the test key and dev mode's
 * {@code devkey}, which a child in {@code --dev} signs with), so a token minted on one is good on all.
 */
public final class ClusterNodes implements AutoCloseable {

    /** What dev mode adds (ConfigValidator), known to every node so that tokens cross. */
    public static final Map<String, String> KEYS = Map.of(TestServer.KEY, TestServer.SECRET, "devkey", "secret");

    public final Redis redis = Redis.start();
    private final AtriumConfig.Database database;
    private final List<AutoCloseable> started = new ArrayList<>();

    public ClusterNodes() {
        database = TestServer.config(TestServer.Db.POSTGRES, Path.of("unused")).database();
    }

    /** The cluster settings of node {@code id}. */
    public AtriumConfig.Cluster cluster(String id) {
        return new AtriumConfig.Cluster(redis.url(), id, null, null, null, null);
    }

    /** Starts node {@code id} in this JVM (nodes start one after the other: the first migrates the database). */
    public TestServer node(String id) {
        try {
            AtriumConfig c = TestServer.config(TestServer.Db.H2, Files.createTempDirectory("atrium-" + id + "-"));
            AtriumConfig config = new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), database,
                    new AtriumConfig.Auth(KEYS, 3600L, 86_400L)).withCluster(cluster(id));
            TestServer server = TestServer.start(config);
            started.add(server);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts node {@code id} as a separate JVM ({@code java ... Main --dev}) on the same Redis and database. */
    public ChildServer child(String id) {
        try {
            ChildServer child = ChildServer.start(Files.createTempDirectory("atrium-" + id + "-"), Map.of(
                    "ATRIUM_DATABASE_URL", database.url(),
                    "ATRIUM_DATABASE_USERNAME", database.username(),
                    "ATRIUM_DATABASE_PASSWORD", database.password(),
                    "ATRIUM_AUTH_API_KEYS", "{" + TestServer.KEY + ": " + TestServer.SECRET + "}",
                    "ATRIUM_CLUSTER_REDIS_URL", redis.url(),
                    "ATRIUM_CLUSTER_NODE_ID", id));
            started.add(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cluster of an in-JVM node. */
    public static Cluster of(TestServer node) {
        return node.server().cluster().orElseThrow();
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("could not stop a node: " + e);
            }
        }
        redis.close();
    }
}
