package io.atrium.server.room;

import io.atrium.server.auth.FailureLimiter;
import io.atrium.server.auth.PasswordChecks;
import io.atrium.server.auth.PasswordHasher;
import io.atrium.server.auth.UserPasswords;
import io.atrium.server.auth.Secrets;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.User;
import io.atrium.server.store.UserStore;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The password checks of {@code authenticate} (docs/SECURITY.md, findings 5 and 21): Argon2id through
 * {@link PasswordChecks} (a guess counted before its hash, given back when right; the bounded pool, never
 * a room's executor), with limits on failed passwords per client address and per room; users' passwords
 * through {@link UserPasswords}.
 */
final class Passwords implements AutoCloseable {

    private final UserStore users;
    private final RoomStore rooms;
    private final AtriumConfig.Rooms config;
    private final PasswordHasher hasher = new PasswordHasher();
    private final PasswordChecks checks;
    /** Failed passwords per client address ("a:" + address) and per room ("r:" + uuid). */
    private final FailureLimiter failures;
    private final UserPasswords userPasswords;

    Passwords(UserStore users, RoomStore rooms, AtriumConfig.Rooms config, Clock clock) {
        this.users = users;
        this.userPasswords = new UserPasswords(users);
        this.rooms = rooms;
        this.config = config;
        this.checks = new PasswordChecks(config.passwordHashThreads(), config.passwordHashQueue());
        this.failures = new FailureLimiter(clock, config.failedPasswordWindowSeconds());
    }

    /** The server's one hashing pool, also for the web app's sign-in. */
    PasswordChecks checks() {
        return checks;
    }

    /** The check of a directory user's password, also for the web app's sign-in. */
    UserPasswords userPasswords() {
        return userPasswords;
    }

    /** The directory user {@code uuid}, if it exists (a phone's user, proved by SIP digest). */
    Optional<User> user(UUID uuid) {
        return users.find(uuid);
    }

    /**
     * The directory user named by the credentials in {@code params}, if any; wrong credentials are 401.
     * Hashes a password: call it only through {@link #check}.
     */
    Optional<User> identify(Params params) {
        Optional<String> username = params.string("username");
        Optional<String> device = params.string("device");
        if (username.isPresent()) {
            String password = params.string("password", PasswordHasher.MAX_PASSWORD_LENGTH).orElse("");
            return Optional.of(userPasswords.check(username.get(), password)
                    .orElseThrow(() -> new RpcException(401, "invalid username or password")));
        }
        if (device.isPresent()) {
            String token = params.string("device_token", 512).orElse("");
            return Optional.of(users.findByDevice(device.get(), Secrets.sha256Hex(token))
                    .orElseThrow(() -> new RpcException(401, "invalid device or device token")));
        }
        return Optional.empty();
    }

    /** Whether {@code password} is the room's password (hashes: only through {@link #check}). */
    boolean roomPassword(UUID room, String password) {
        return rooms.passwordHash(room).map(h -> hasher.matches(password, h)).orElse(false);
    }

    /**
     * Runs {@code work}, which hashes the passwords of an {@code authenticate} from {@code address} into
     * {@code room}, by the rule of {@link PasswordChecks}: counted as a failure of the address and of the
     * room first ({@code 429 too many failed passwords, retry in N s} when either is used up), given back
     * when {@code right}; a full queue is {@code 429 too many requests}.
     */
    <T> CompletableFuture<T> check(String address, UUID room, Supplier<T> work, Predicate<? super T> right) {
        try {
            return checks.check(new Budget(address, room), work, right);
        } catch (PasswordChecks.Busy e) {
            throw new RpcException(429, "too many requests");
        }
    }

    /** Counts a failure of {@code address} and {@code room} that no hash decided (a wrong device token). */
    void failed(String address, UUID room) {
        failures.failed("a:" + address);
        failures.failed("r:" + room);
    }

    /** The failed-password budgets of one address and one room, taken together or not at all. */
    private final class Budget implements PasswordChecks.Budget {
        private final String address;
        private final String room;

        Budget(String address, UUID room) {
            this.address = "a:" + address;
            this.room = "r:" + room;
        }

        @Override
        public void take() {
            long wait = failures.fail(address, config.failedPasswordsPerAddress());
            if (wait == 0) {
                wait = failures.fail(room, config.failedPasswordsPerRoom());
                if (wait > 0) {
                    failures.refund(address);
                }
            }
            if (wait > 0) {
                throw new RpcException(429, "too many failed passwords, retry in " + wait + " s");
            }
        }

        @Override
        public void refund() {
            failures.refund(address);
            failures.refund(room);
        }
    }

    @Override
    public void close() {
        checks.close();
    }
}
