package io.atrium.server.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A stored room as the API shows it: never the password, only whether one is set. */
public record Room(UUID uuid, String name, boolean open, boolean forcePassword, boolean forceWaitingRoom,
                   boolean hasPassword, List<RoomMember> members, Instant createdAt, Instant updatedAt) {

    /** A stored member of a room: a directory user, admin or not. */
    public record RoomMember(UUID uuid, UUID userId, boolean admin) {
    }

    /** A stored member with the user's names, as {@code GET /v1/rooms/{uuid}/members} shows it. */
    public record MemberDetail(UUID uuid, UUID userId, boolean admin, String username, String displayName,
                               String sipExtension) {
    }
}
