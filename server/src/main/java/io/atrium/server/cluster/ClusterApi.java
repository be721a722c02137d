package io.atrium.server.cluster;

import io.atrium.server.edge.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's REST endpoints (docs/API.md, docs/SCALING.md), behind the API key like all of {@code /v1}:
 * {@code GET /v1/cluster/nodes} lists the live nodes; {@code POST /v1/cluster/drain} makes the node asked
 * drain (no new rooms placed on it; its live rooms stay until they end) and {@code DELETE} undoes it. On a
 * node without {@code cluster.redis_url}: 404.
 */
public final class ClusterApi {

    private final Optional<Cluster> cluster;

    public ClusterApi(Optional<Cluster> cluster) {
        this.cluster = cluster;
    }

    public void routes(RoutesConfig r) {
        r.get("/v1/cluster/nodes", ctx -> ctx.json(Map.of("node", cluster(ctx).id(), "nodes", cluster(ctx).nodes().values())));
        r.post("/v1/cluster/drain", ctx -> ctx.json(drained(cluster(ctx).drain(true))));
        r.delete("/v1/cluster/drain", ctx -> ctx.json(drained(cluster(ctx).drain(false))));
    }

    private Cluster cluster(Context ctx) {
        return cluster.orElseThrow(() -> ApiException.notFound("this node is not in a cluster (cluster.redis_url is not set)"));
    }

    /** The answer of {@code POST}/{@code DELETE /v1/cluster/drain}: the node, whether it drains, how many rooms it holds. */
    public record Drained(String node, boolean draining, int rooms) {
    }

    private static Drained drained(NodeInfo self) {
        return new Drained(self.id(), self.draining(), self.rooms());
    }
}
