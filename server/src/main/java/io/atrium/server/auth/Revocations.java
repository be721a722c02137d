package io.atrium.server.auth;

import io.atrium.server.store.Revocation;
import io.atrium.server.store.Revocation.Journal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revoked access tokens (docs/SECURITY.md, finding 2): one token by its {@code jti}, or every token of
 * an identity in a room issued up to the moment of revocation (a token minted later is not affected).
 * {@link TokenService} refuses them. Each entry is kept until no token it covers can still be valid,
 * and written through a {@link Journal} so that revocations survive a restart.
 */
public final class Revocations {

    private final Journal journal;
    private final Clock clock;
    private final Map<String, Revocation> byToken = new ConcurrentHashMap<>();
    private final Map<String, Revocation> byIdentity = new ConcurrentHashMap<>();

    /** Revocations kept by {@code journal} (null: in memory only), read back from it now. */
    public Revocations(Journal journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
        if (journal != null) {
            journal.active(clock.instant()).forEach(this::remember);
        }
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
        Instant now = clock.instant();
        byToken.values().removeIf(old -> old.until().isBefore(now));
        byIdentity.values().removeIf(old -> old.until().isBefore(now));
        if (journal != null) {
            journal.save(r);
        }
        remember(r);
        return r;
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
}
