package io.atrium.server.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.Grants;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import io.atrium.server.state.StateService;

/**
 * The shared-state methods of the room protocol (docs/PROTOCOL.md, "Shared state"):
 * {@code subscribe_state {auth_token, names}} → {@code {room, state}} and
 * {@code unsubscribe_state {auth_token, names?}} → {@code {}}. They need only an access token whose
 * {@code state} grant names what is read, not a joined member, so a waiting user or a viewer can
 * follow the state before (or without) joining. They run on the caller's thread: the
 * {@link io.atrium.server.state.StateService} is thread-safe.
 */
final class StateCalls {

    static final int MAX_NAMES = Grants.MAX_STATE_ENTRIES;

    private final RoomTokens tokens;
    private final Function<String, UUID> existingRoom;
    private final StateService state;

    /** {@code existingRoom}: the room named, or {@code 404 room doesn't exist}. */
    StateCalls(RoomTokens tokens, Function<String, UUID> existingRoom, StateService state) {
        this.tokens = tokens;
        this.existingRoom = existingRoom;
        this.state = state;
    }

    Object handle(Session session, String method, Params params) {
        AccessToken token = tokens.verify(params.required("auth_token", 8192), Optional.empty());
        existingRoom.apply(token.room().toString());
        List<String> names = names(params, method.equals("subscribe_state"));
        if (method.equals("unsubscribe_state")) {
            state.unsubscribe(token.room(), session, names);
            return Map.of();
        }
        for (String name : names) {
            if (!token.grants().mayReadState(name)) {
                throw new RpcException(403, "not allowed to read state " + name);
            }
        }
        Map<String, StateService.Value> snapshot;
        try {
            snapshot = state.subscribe(token.room(), session, session.client::notify, names);
        } catch (StateService.NotKept e) { // another node holds the room's state now: asked again, the call goes there
            throw new RpcException(503, e.getMessage());
        }
        Map<String, Object> state = new java.util.LinkedHashMap<>();
        snapshot.forEach((name, value) -> {
            Map<String, Object> v = null;
            if (value != null) {
                v = new java.util.LinkedHashMap<>();
                v.put("type", value.type());
                v.put("value", value.value());
            }
            state.put(name, v);
        });
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        result.put("room", token.room().toString());
        result.put("state", state);
        return result;
    }

    private static List<String> names(Params params, boolean required) {
        JsonNode list = params.array("names");
        if (list.isNull() || list.isEmpty()) {
            if (required) {
                throw RpcException.invalid("names");
            }
            return List.of();
        }
        if (list.size() > MAX_NAMES) {
            throw RpcException.invalid("names");
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode n : list) {
            if (!n.isTextual() || n.textValue().isEmpty() || n.textValue().length() > Grants.MAX_STATE_NAME) {
                throw RpcException.invalid("names");
            }
            names.add(n.textValue());
        }
        return new ArrayList<>(names);
    }
}
