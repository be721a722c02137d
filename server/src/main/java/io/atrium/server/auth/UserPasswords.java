package io.atrium.server.auth;

import io.atrium.server.store.User;
import io.atrium.server.store.UserStore;
import java.util.Optional;
import java.util.UUID;

/**
 * The one check of an Atrium user's username and password (the room protocol's {@code authenticate},
 * the web app's sign-in): Argon2id against the stored hash, and an unknown username against a dummy
 * hash, so both refusals take as long and do not tell which usernames exist.
 */
public final class UserPasswords {

    private final UserStore users;
    private final PasswordHasher hasher = new PasswordHasher();
    private final String dummyHash = hasher.hash(UUID.randomUUID().toString());

    public UserPasswords(UserStore users) {
        this.users = users;
    }

    /** The user whose password this is, if any. Hashes: keep it off latency-sensitive threads. */
    public Optional<User> check(String username, String password) {
        Optional<UserStore.Credentials> found = users.credentials(username);
        boolean matches = hasher.matches(password, found.map(UserStore.Credentials::passwordHash).orElse(dummyHash));
        return found.filter(c -> matches).map(UserStore.Credentials::user);
    }
}
