package io.atrium.server.auth;

import io.atrium.server.store.Revocation;
import io.atrium.server.store.Revocation.Journal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revoked access tokens (docs/SECURITY.md, finding 2): one token by its {@code jti}, or every token of
 * an identity in a room issued up to the moment of revocation (a token minted later is not affected).
 * {@link TokenService} refuses them. Each entry is kept until no token it covers can still be valid,
 * and written through a {@link Journal} so that revocations survive a restart. On a node of a cluster
 * ({@link #follow}) the journal is read every {@link #FOLLOW_EVERY} for the revocations other nodes saved
 * (docs/SCALING.md, "Revocations").
 */
public final class Revocations implements AutoCloseable {

    /** How often a node of a cluster reads the revocations saved since its last read. */
    public static final Duration FOLLOW_EVERY = Duration.ofMillis(500);
    /** The most revocations one read takes in; more wait for the next ones. */
    static final int READ_AT_MOST = 1000;
    private static final Logger log = LoggerFactory.getLogger(Revocations.class);

    private final Journal journal;
    private final Clock clock;
    private final Map<String, Revocation> byToken = new ConcurrentHashMap<>();
    private final Map<String, Revocation> byIdentity = new ConcurrentHashMap<>();
    /** The journal's position of the last revocation read from it: written by the constructor, then by the follower only. */
    private long read = Journal.START;
    private ScheduledExecutorService follower;
    /** Whether the follower's last read failed (logged once until one succeeds); the follower's thread only. */
    private boolean failing;

    /** Revocations kept by {@code journal} (null: in memory only), read back from it now. */
    public Revocations(Journal journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
        if (journal != null) {
            readJournal(Integer.MAX_VALUE);
        }
    }

    /**
     * Reads the revocations other nodes save, every {@link #FOLLOW_EVERY} (at most {@link #READ_AT_MOST} a time) until
     * {@link #close}: a node learns each one within that interval and a read, also one saved while it could not read.
     */
    public synchronized void follow() {
        if (journal == null || follower != null) {
            return;
        }
        follower = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "atrium-revocations");
            t.setDaemon(true);
            return t;
        });
        long every = FOLLOW_EVERY.toMillis();
        follower.scheduleWithFixedDelay(this::readSaved, every, every, TimeUnit.MILLISECONDS);
    }

    private void readSaved() {
        try {
            readJournal(READ_AT_MOST);
            if (failing) {
                failing = false;
                log.info("reading revocations saved by other nodes again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("cannot read revocations saved by other nodes (tried again every {} ms): {}", FOLLOW_EVERY.toMillis(), e.toString());
            }
        }
    }

    /** Takes in up to {@code limit} revocations saved after the last one read. */
    private void readJournal(int limit) {
        Revocation.Read saved = journal.after(read, clock.instant(), limit);
        if (!saved.revocations().isEmpty()) {
            forgetExpired();
            saved.revocations().forEach(this::remember);
        }
        read = saved.last();
    }

    /** Revokes one token; {@code until} is at the latest when it expires. */
    public Revocation revokeToken(String jti, Instant until) {
        return add(new Revocation(jti, null, null, clock.instant(), until));
    }

    /**
     * Revokes every token of {@code identity} in {@code room} issued until now, and the one an earlier revocation of it
     * handed on ({@link TokenService#replace}, dated the second after that revocation): never earlier than that second.
     */
    public Revocation revokeIdentity(UUID room, String identity, Instant until) {
        Instant at = clock.instant();
        Revocation before = byIdentity.get(key(room, identity));
        if (before != null) {
            Instant handedOn = before.revokedAt().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
            at = at.isBefore(handedOn) ? handedOn : at;
        }
        return add(new Revocation(null, room, identity, at, until));
    }

    public boolean revoked(AccessToken token) {
        if (byToken.isEmpty() && byIdentity.isEmpty()) {
            return false;
        }
        if (token.id() != null && byToken.containsKey(token.id())) {
            return true;
        }
        Revocation r = byIdentity.get(key(token.room(), token.identity()));
        return r != null && !token.issuedAt().isAfter(r.revokedAt());
    }

    private Revocation add(Revocation r) {
        forgetExpired();
        if (journal != null) {
            journal.save(r);
        }
        remember(r);
        return r;
    }

    /** Drops the entries that no longer cover a valid token, whenever entries are added or read: memory follows revocations. */
    private void forgetExpired() {
        Instant now = clock.instant();
        byToken.values().removeIf(old -> old.until().isBefore(now));
        byIdentity.values().removeIf(old -> old.until().isBefore(now));
    }

    private void remember(Revocation r) {
        if (r.jti() != null) {
            byToken.put(r.jti(), r);
        } else {
            byIdentity.merge(key(r.room(), r.identity()), r, (a, b) -> a.revokedAt().isAfter(b.revokedAt()) ? a : b);
        }
    }

    private static String key(UUID room, String identity) {
        return room + "/" + identity;
    }

    /** Stops following the journal (before the database closes). */
    @Override
    public synchronized void close() {
        if (follower == null) {
            return;
        }
        follower.shutdownNow();
        try {
            follower.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
