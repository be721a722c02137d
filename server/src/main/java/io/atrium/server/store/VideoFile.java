package io.atrium.server.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A shared video file's metadata: its id, the room (a 003 session is a room) it belongs to, the
 * sanitized file name, where its bytes are ({@code storageKey}, never shown to clients), size,
 * duration in seconds, Content-Type, who uploaded it (a participant id, user or API key) and when.
 */
public record VideoFile(UUID id, UUID room, String filename, String storageKey, long size, double durationSeconds,
                        String contentType, String uploadedBy, Instant uploadedAt) {
}
