package io.atrium.server.room;

import io.atrium.server.auth.FailureLimiter;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The password checks of {@code authenticate} (docs/SECURITY.md, finding 5): Argon2id on a bounded
 * pool, never on a room's executor; limits on failed passwords per client address and per room; users'
 * passwords through {@link UserPasswords}.
 */
final class Passwords implements AutoCloseable {

    private final UserStore users;
    private final RoomStore rooms;
    private final AtriumConfig.Rooms config;
    private final PasswordHasher hasher = new PasswordHasher();
    private final ThreadPoolExecutor pool;
    /** Failed passwords per client address ("a:" + address) and per room ("r:" + uuid). */
    private final FailureLimiter failures;
    private final UserPasswords userPasswords;

    Passwords(UserStore users, RoomStore rooms, AtriumConfig.Rooms config, Clock clock) {
        this.users = users;
        this.userPasswords = new UserPasswords(users);
        this.rooms = rooms;
        this.config = config;
        int threads = config.passwordHashThreads();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.passwordHashQueue()), r -> {
                    Thread t = new Thread(r, "atrium-password");
                    t.setDaemon(true);
                    return t;
                });
        this.failures = new FailureLimiter(clock, config.failedPasswordWindowSeconds());
    }

    /** The directory user {@code uuid}, if it exists (a phone's user, proved by SIP digest). */
    Optional<User> user(UUID uuid) {
        return users.find(uuid);
    }

    /**
     * The directory user named by the credentials in {@code params}, if any; wrong credentials are 401.
     * Hashes a password: call it off the room's executor ({@link #offRoom}).
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

    /** Whether {@code password} is the room's password (hashes: off the room's executor). */
    boolean roomPassword(UUID room, String password) {
        return rooms.passwordHash(room).map(h -> hasher.matches(password, h)).orElse(false);
    }

    /** Runs password work on the bounded hashing pool; a full queue is {@code 429 too many requests}. */
    <T> CompletableFuture<T> offRoom(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, pool);
        } catch (RejectedExecutionException e) {
            throw new RpcException(429, "too many requests");
        }
    }

    /** Refuses a password check from an address or for a room that failed too often lately (429 with the wait). */
    void checkFailures(String address, UUID room) {
        long wait = Math.max(failures.retryAfterSeconds("a:" + address, config.failedPasswordsPerAddress()),
                failures.retryAfterSeconds("r:" + room, config.failedPasswordsPerRoom()));
        if (wait > 0) {
            throw new RpcException(429, "too many failed passwords, retry in " + wait + " s");
        }
    }

    void failed(String address, UUID room) {
        failures.failed("a:" + address);
        failures.failed("r:" + room);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
