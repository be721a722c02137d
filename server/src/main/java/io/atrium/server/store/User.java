package io.atrium.server.store;

import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/** A directory user: who can authenticate with username/password or one of their devices. */
public record User(UUID uuid, String username, String displayName, String sipExtension, Instant createdAt, Instant updatedAt) {

    /** What a SIP extension, and every number a room invites, is: digits, {@code *}, {@code #} and {@code +}, 1 to 32 of them. */
    public static final Pattern DIAL_STRING = Pattern.compile("[0-9*#+]{1,32}");
    /** {@link #DIAL_STRING} in words, for error messages. */
    public static final String DIAL_STRING_RULE = "digits, * # + (1 to 32)";
}
