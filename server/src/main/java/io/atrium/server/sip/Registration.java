package io.atrium.server.sip;

import java.time.Instant;
import java.util.UUID;

/**
 * One phone registered for an extension (RFC 3261 10): its Contact, where the REGISTER came from, the
 * digest algorithm it authenticated with, and when the binding ends. Listed by {@code GET /v1/sip/registrations}.
 */
public record Registration(UUID userUuid, String username, String extension, String contact, String source,
                           String transport, String userAgent, String digestAlgorithm, String callId, long cseq,
                           Instant registeredAt, Instant expiresAt) {
}
