package io.atrium.server.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Keeps token revocations across restarts and for every node of a cluster (table {@code token_revocations});
 * forgets expired ones. Each save takes the next number from the one row of {@code token_revocations_saved}, whose
 * lock it holds until it commits: saves commit in the order of their numbers, so reading the rows numbered after
 * the last one read misses none.
 */
public final class RevocationStore implements Revocation.Journal {

    private final Jdbc jdbc;

    public RevocationStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void save(Revocation r) {
        jdbc.inTransaction(tx -> {
            tx.update("update token_revocations_saved set last_seq = last_seq + 1");
            long seq = tx.queryOne("select last_seq from token_revocations_saved", rs -> rs.getLong(1)).orElseThrow();
            tx.update("delete from token_revocations where valid_until < ?", r.revokedAt());
            return tx.update("insert into token_revocations (id, seq, jti, room_uuid, identity, revoked_at, valid_until)"
                    + " values (?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID(), seq, r.jti(), r.room(), r.identity(), r.revokedAt(), r.until());
        });
    }

    @Override
    public Revocation.Read after(long after, Instant now, int limit) {
        List<Row> rows = jdbc.inTransaction(tx -> tx.query("select seq, jti, room_uuid, identity, revoked_at, valid_until"
                + " from token_revocations where seq > ? and valid_until >= ? order by seq limit ?",
                rs -> new Row(rs.getLong("seq"), new Revocation(rs.getString("jti"), Jdbc.uuid(rs, "room_uuid"),
                        rs.getString("identity"), Jdbc.instant(rs, "revoked_at"), Jdbc.instant(rs, "valid_until"))),
                after, now, limit));
        return new Revocation.Read(rows.stream().map(Row::revocation).toList(), rows.isEmpty() ? after : rows.get(rows.size() - 1).seq());
    }

    private record Row(long seq, Revocation revocation) {
    }
}
