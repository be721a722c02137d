package io.atrium.server.cluster;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Chooses the node a room that nobody owns is placed on (LiveKit's "selector"): the least-loaded live node
 * that is not draining (any live node when all drain); on a tie the node that asks, so an idle cluster keeps
 * a room where its first client is.
 */
@FunctionalInterface
public interface Placement {

    /** Among {@code nodes} (the live ones, {@code self} included), the one that gets the room. */
    Optional<NodeInfo> choose(Collection<NodeInfo> nodes, String self);

    /** The default selector. */
    Placement LEAST_LOADED = (nodes, self) -> nodes.stream()
            .min(Comparator.comparing(NodeInfo::draining)
                    .thenComparingLong(NodeInfo::load)
                    .thenComparing(n -> !n.id().equals(self))
                    .thenComparing(NodeInfo::id));
}
