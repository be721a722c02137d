package io.atrium.server.cluster;

import io.atrium.server.edge.ApiException;
import io.atrium.server.edge.HttpRelay;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The cluster's REST endpoints (docs/API.md, docs/SCALING.md), behind the API key like all of {@code /v1}:
 * {@code GET /v1/cluster/nodes} lists the live nodes; {@code POST /v1/cluster/drain} makes the node asked
 * drain (no new rooms placed on it; its live rooms stay until they end) and {@code DELETE} undoes it. On a
 * node without {@code cluster.redis_url}: 404. And REST calls about a live room that another node runs
 * ({@link #LIVE}) are relayed there.
 */
public final class ClusterApi {

    private final Optional<Cluster> cluster;
    private final HttpRelay relay;

    public ClusterApi(Optional<Cluster> cluster, HttpRelay relay) {
        this.cluster = cluster;
        this.relay = relay;
    }

    /** What of {@code /v1/rooms/{uuid}/...} the room's live state answers (the rest is in PostgreSQL, the same on every node). */
    static final Set<String> LIVE = Set.of("members", "live", "end", "media", "recordings");

    /** Registered after the API key check of {@code /v1}, so a call without a good key never leaves the node. */
    public void routes(RoutesConfig r) {
        r.before("/v1/rooms/{uuid}", this::toOwner);
        r.before("/v1/rooms/{uuid}/*", this::toOwner);
        r.get("/v1/cluster/nodes", ctx -> ctx.json(Map.of("node", cluster(ctx).id(), "nodes", cluster(ctx).nodes().values())));
        r.post("/v1/cluster/drain", ctx -> ctx.json(drained(cluster(ctx).drain(true))));
        r.delete("/v1/cluster/drain", ctx -> ctx.json(drained(cluster(ctx).drain(false))));
    }

    /**
     * Relays a call about a live room ({@link #LIVE}, and changing or deleting the room) to the node that runs
     * it, when that is another one; the owner's answer is this call's. Nothing is placed by asking.
     */
    private void toOwner(Context ctx) {
        String[] parts = ctx.path().split("/"); // "", "v1", "rooms", uuid, what...
        boolean live = parts.length > 4 ? LIVE.contains(parts[4]) : ctx.method() == HandlerType.PUT || ctx.method() == HandlerType.DELETE;
        if (cluster.isEmpty() || !live || relay.relayed(ctx)) {
            return;
        }
        UUID room;
        try {
            room = UUID.fromString(ctx.pathParam("uuid"));
        } catch (IllegalArgumentException e) {
            return; // the route says what is wrong
        }
        Optional<URI> owner = cluster.get().runningElsewhere(room);
        if (owner.isPresent()) {
            relay.relay(ctx, owner.get(), List.of("Content-Type", "Authorization"), List.of("Content-Type", "Location"));
            ctx.skipRemainingHandlers();
        }
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
