package io.atrium.server.compat;

import io.atrium.server.edge.HttpRelay;
import io.atrium.server.room.RoomHome;
import io.javalin.http.Context;
import java.net.URI;
import java.util.List;
import io.atrium.server.state.StateService;
import java.util.Optional;
import java.util.UUID;

/**
 * A facade's request about a room's shared state is answered by the node that holds that state: the node
 * that runs the room, or the node asked when none does (the room is placed there). Requests for another node
 * are relayed there as they are (docs/SCALING.md, "What lives where"). One node: always answered here.
 */
public final class RoomNode {

    private final RoomHome home;
    private final StateService state;
    private final HttpRelay relay;

    public RoomNode(RoomHome home, StateService state, HttpRelay relay) {
        this.home = home;
        this.state = state;
        this.relay = relay;
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
        if (room.isEmpty() || relay.relayed(ctx)) {
            return false;
        }
        Optional<URI> node = home.here(room.get());
        node.ifPresent(n -> relay.relay(ctx, n, List.of("Content-Type", "Authorization"), List.of("Content-Type", "Retry-After")));
        return node.isPresent();
    }

    /**
     * Runs a request that {@link #relayed} left here and answers what it returns once the changes it made to its
     * room's shared state are kept (a cluster's Redis), so that an answered change outlives this node; throws
     * {@link StateService.NotKept} when they were not.
     */
    public Object answer(RoomOf roomOf, EventParams params, java.util.function.Supplier<Object> run) {
        Object answer = run.get();
        Optional<UUID> room;
        try {
            room = roomOf.of(params);
        } catch (RuntimeException e) {
            room = Optional.empty();
        }
        room.ifPresent(state::kept);
        return answer;
    }
}
