package io.atrium.server.store;

import java.util.Map;

/** A user as SIP sees them: the user and their HA1 per digest algorithm for one realm. */
public record SipAccount(User user, Map<String, String> ha1ByAlgorithm) {
}
