package io.atrium.server.room;

import io.atrium.server.edge.RateLimiter;
import io.atrium.server.room.Session.Binding;
import io.atrium.server.store.ChatStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Chat (docs/PROTOCOL.md): members and watchers with the data grant send; the history is stored, paged by id.
 * Bounded (docs/SECURITY.md, finding 19): {@link #PER_IDENTITY_PER_MINUTE} messages per token identity (all its
 * sockets together) and {@link #PER_ROOM_PER_MINUTE} per room; beyond either a message is refused with 429 and
 * neither stored nor sent; the store keeps each room's newest {@link ChatStore#KEPT_PER_ROOM}.
 */
final class Chat {

    static final int MAX_CHAT = 4000;
    /** A person typing: one message every two seconds for a minute, or a burst of that many. */
    static final int PER_IDENTITY_PER_MINUTE = 30;
    /** A busy room: five messages a second for a minute, beyond what anyone can read. */
    static final int PER_ROOM_PER_MINUTE = 300;

    private final UUID id;
    private final ChatStore store;
    private final Roster roster;
    private final RateLimiter perIdentity;
    private final RateLimiter perRoom;

    Chat(UUID id, ChatStore store, Roster roster, Clock clock) {
        this.id = id;
        this.store = store;
        this.roster = roster;
        this.perIdentity = new RateLimiter(PER_IDENTITY_PER_MINUTE, clock);
        this.perRoom = new RateLimiter(PER_ROOM_PER_MINUTE, clock);
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
        admit(b.token().identity());
        ChatStore.Message message = store.add(id, b.callId(), b.user(), b.name(), text);
        roster.broadcast("member_chat_message", message);
        return Map.of("message", message);
    }

    /** Counts a message of {@code identity}, or refuses it (429 with the wait) when it or the room is over its limit. */
    private void admit(String identity) {
        long wait = perIdentity.retryAfter(identity);
        if (wait > 0) {
            throw new RpcException(429, "too many chat messages from you (" + PER_IDENTITY_PER_MINUTE
                    + " per minute), retry in " + wait + " s");
        }
        wait = perRoom.retryAfter("");
        if (wait > 0) {
            throw new RpcException(429, "too many chat messages in this room (" + PER_ROOM_PER_MINUTE
                    + " per minute), retry in " + wait + " s");
        }
        perIdentity.acquire(identity); // on the room's executor: nothing came in between the checks and these
        perRoom.acquire("");
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
