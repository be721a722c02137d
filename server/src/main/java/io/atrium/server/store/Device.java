package io.atrium.server.store;

import java.time.Instant;
import java.util.UUID;

/** A user's registered device (a mobile app install); its token is stored only as a hash. */
public record Device(UUID uuid, UUID userId, String name, Instant createdAt) {
}
