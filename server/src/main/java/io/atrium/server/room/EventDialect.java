package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Another vocabulary on the room socket, implemented by a facade (e.g. the call API's control-center
 * events and commands) and registered with {@link RoomService#registerDialect}. Out: extra
 * notifications for watchers that ask for it ({@code watch_room} with {@code events: <name>}, or by
 * default in the facade's rooms): given one native notification, the ones to send after it ({@link
 * #translate} is called on the room's executor; must be quick and must not call back into the room).
 * In: requests of that vocabulary ({@link #commands}).
 */
public interface EventDialect {

    /** One notification: method and params. */
    record Notification(String method, Object params) {
    }

    List<Notification> translate(UUID room, String method, Object params);

    /**
     * Requests in this vocabulary that a socket may send (e.g. contract 003's {@code mute_participant});
     * listed in the socket's methods too. Only admins of the room get to {@link #command}.
     */
    default Set<String> commands() {
        return Set.of();
    }

    /**
     * Runs one of {@link #commands} for {@code caller}, the socket's admin token for {@code room} (checked
     * just before), in a room this dialect's facade owns. Called on the room's executor: it must never
     * wait on the room (the room's work completes the future). Fails with {@link RpcException}.
     */
    default CompletableFuture<Object> command(UUID room, AccessToken caller, String method, Params params) {
        return CompletableFuture.failedFuture(new RpcException(-32601, "method not found"));
    }

    /**
     * The one of {@link #commands} that ends the facade's meeting (003's {@code end_session}), if any: a host's
     * {@code end_room} in a room this facade owns runs it, so the facade's record ends with the room.
     */
    default java.util.Optional<String> endCommand() {
        return java.util.Optional.empty();
    }
}
