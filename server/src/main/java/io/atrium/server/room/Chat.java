package io.atrium.server.room;

import io.atrium.server.room.Session.Binding;
import io.atrium.server.store.ChatStore;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Chat (docs/PROTOCOL.md): members and watchers with the data grant send; the history is stored, paged by id. */
final class Chat {

    static final int MAX_CHAT = 4000;

    private final UUID id;
    private final ChatStore store;
    private final Roster roster;

    Chat(UUID id, ChatStore store, Roster roster) {
        this.id = id;
        this.store = store;
        this.roster = roster;
    }

    /** {@code send_chat_message {text}}: stored, then to everyone. */
    Object send(Binding b, Params p) {
        if (b.state() != Session.State.MEMBER && b.state() != Session.State.WATCHING) {
            throw RpcException.notInRoom();
        }
        if (!b.token().grants().data()) {
            throw new RpcException(403, "not allowed to send data");
        }
        String text = p.required("text", MAX_CHAT);
        ChatStore.Message message = store.add(id, b.callId(), b.user(), b.name(), text);
        roster.broadcast("member_chat_message", message);
        return Map.of("message", message);
    }

    /** {@code get_chat_history {before?, limit?}}. */
    Object history(Params p) {
        Optional<UUID> before = p.string("before").map(v -> {
            try {
                return UUID.fromString(v);
            } catch (IllegalArgumentException e) {
                throw RpcException.invalid("before");
            }
        });
        return Map.of("messages", store.history(id, before, p.integer("limit", 1, 200, 50)));
    }
}
