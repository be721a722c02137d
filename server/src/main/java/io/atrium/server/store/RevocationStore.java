package io.atrium.server.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Keeps token revocations across restarts (table {@code token_revocations}); forgets expired ones. */
public final class RevocationStore implements Revocation.Journal {

    private final Jdbc jdbc;

    public RevocationStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void save(Revocation r) {
        jdbc.inTransaction(tx -> {
            tx.update("delete from token_revocations where valid_until < ?", r.revokedAt());
            return tx.update("insert into token_revocations (id, jti, room_uuid, identity, revoked_at, valid_until)"
                    + " values (?, ?, ?, ?, ?, ?)", UUID.randomUUID(), r.jti(), r.room(), r.identity(), r.revokedAt(), r.until());
        });
    }

    @Override
    public List<Revocation> active(Instant now) {
        return jdbc.inTransaction(tx -> tx.query("select jti, room_uuid, identity, revoked_at, valid_until from token_revocations"
                + " where valid_until >= ?", rs -> new Revocation(rs.getString("jti"), Jdbc.uuid(rs, "room_uuid"),
                rs.getString("identity"), Jdbc.instant(rs, "revoked_at"), Jdbc.instant(rs, "valid_until")), now));
    }
}
