package io.atrium.server.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A stored room as the API shows it: never the password, only whether one is set. {@code owner}: the
 * contract facade that made it ({@link #LIVE}, {@link #MEETINGS}, {@link #VIDEO_CALL}), null for a native room.
 * {@code slug}: the readable name of its link {@code /r/<slug>}, null for a room without one. {@code record}: recorded
 * from its first member on (docs/RECORDING.md).
 */
public record Room(UUID uuid, String name, boolean open, boolean forcePassword, boolean forceWaitingRoom,
                   boolean hasPassword, List<RoomMember> members, Instant createdAt, Instant updatedAt, String owner,
                   String slug, boolean record) {

    /** Owners: contract 000 (live streams), 001 (meetings), 003/004 (call sessions). */
    public static final String LIVE = "live";
    public static final String MEETINGS = "meetings";
    public static final String VIDEO_CALL = "video_call";

    /** A stored member of a room: a directory user, admin or not. */
    public record RoomMember(UUID uuid, UUID userId, boolean admin) {
    }

    /** A stored member with the user's names, as {@code GET /v1/rooms/{uuid}/members} shows it. */
    public record MemberDetail(UUID uuid, UUID userId, boolean admin, String username, String displayName,
                               String sipExtension) {
    }
}
