package io.atrium.server.room;

import java.time.Instant;

/**
 * A joined member's live state for facades and REST: who, since when, mutes (own or an admin's),
 * camera, screen share (and since when, else null) and connection quality.
 */
public record MemberState(String id, String name, boolean admin, Instant joinedAt, boolean audioMuted,
                          boolean audioMutedByAdmin, boolean videoMuted, boolean screenShare,
                          Instant screenShareSince, String connectionQuality) {
}
