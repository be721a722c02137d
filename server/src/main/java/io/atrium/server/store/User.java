package io.atrium.server.store;

import java.time.Instant;
import java.util.UUID;

/** A directory user: who can authenticate with username/password or one of their devices. */
public record User(UUID uuid, String username, String displayName, String sipExtension, Instant createdAt, Instant updatedAt) {
}
