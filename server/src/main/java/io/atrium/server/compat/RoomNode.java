package io.atrium.server.compat;

import io.atrium.server.edge.HttpRelay;
import io.atrium.server.room.RoomHome;
import io.javalin.http.Context;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A facade's request about a room's shared state is answered by the node that holds that state: the node
 * that runs the room, or the node asked when none does (the room is placed there). Requests for another node
 * are relayed there as they are (docs/SCALING.md, "What lives where"). One node: always answered here.
 */
public final class RoomNode {

    private final RoomHome home;

    public RoomNode(RoomHome home) {
        this.home = home;
    }

    /** Which room's state a facade's request reads or writes (it is answered by the node that holds it). */
    @FunctionalInterface
    public interface RoomOf {
        Optional<UUID> of(EventParams params);
    }

    /**
     * Relays {@code ctx} to the node of the state of the room {@code roomOf} names when that is another one,
     * and answers whether it did. A request relayed here is answered here, and so is one whose room cannot be
     * told ({@code roomOf} threw {@code unknown}: the endpoint, run here, says why). Throws
     * {@link RoomHome.Unavailable} when the cluster cannot tell (Redis away).
     */
    public boolean relayed(Context ctx, RoomOf roomOf, EventParams params, Class<? extends RuntimeException> unknown) {
        Optional<UUID> room;
        try {
            room = roomOf.of(params);
        } catch (RuntimeException e) {
            if (unknown.isInstance(e)) {
                return false;
            }
            throw e;
        }
        if (room.isEmpty() || HttpRelay.relayed(ctx)) {
            return false;
        }
        Optional<URI> node = home.here(room.get());
        node.ifPresent(n -> HttpRelay.relay(ctx, n, List.of("Content-Type", "Authorization"), List.of("Content-Type", "Retry-After")));
        return node.isPresent();
    }

    /** Takes a room just made here (nobody else knows it yet): its state is here, and so are its later requests. */
    public void claim(UUID room) {
        home.here(room);
    }
}
