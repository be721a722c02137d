package io.atrium.server.store;

import java.util.List;

/**
 * The webhook outbox (table {@code webhook_outbox}): events waiting for delivery, one row per event and
 * endpoint. A row is written in the caller's thread before the event's cause is acknowledged, and
 * deleted once its endpoint answered 2xx, so a restart loses none. {@link #due} hands out, per endpoint,
 * only the oldest live row of each order key (the room), which keeps delivery in order per room.
 */
public final class WebhookOutbox {

    /** A stored event for one endpoint. */
    public record Entry(long seq, String eventId, String endpoint, String orderKey, String body, long createdAtMillis,
                        int attempts) {
    }

    private final Jdbc jdbc;

    public WebhookOutbox(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores one event for every endpoint, in one transaction. */
    public void add(String eventId, String orderKey, String body, List<String> endpoints, long nowMillis) {
        jdbc.inTransaction(tx -> {
            for (String endpoint : endpoints) {
                tx.update("insert into webhook_outbox (event_id, endpoint, order_key, body, created_at, attempts, next_attempt_at, dead)"
                        + " values (?, ?, ?, ?, ?, 0, ?, false)", eventId, endpoint, orderKey, body, nowMillis, nowMillis);
            }
            return null;
        });
    }

    /**
     * Up to {@code limit} rows of {@code endpoint} that may be sent now: each is the oldest live row of
     * its order key, and its next attempt is due. Oldest first.
     */
    public List<Entry> due(String endpoint, long nowMillis, int limit) {
        return jdbc.inTransaction(tx -> tx.query("select o.seq, o.event_id, o.endpoint, o.order_key, o.body, o.created_at, o.attempts"
                + " from webhook_outbox o where o.endpoint = ? and o.dead = false and o.next_attempt_at <= ?"
                + " and not exists (select 1 from webhook_outbox p where p.endpoint = o.endpoint and p.order_key = o.order_key"
                + " and p.dead = false and p.seq < o.seq) order by o.seq limit " + limit,
                rs -> new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6),
                        rs.getInt(7)), endpoint, nowMillis));
    }

    /** The endpoint answered 2xx: the row is done. */
    public void delivered(long seq) {
        jdbc.inTransaction(tx -> tx.update("delete from webhook_outbox where seq = ?", seq));
    }

    /** An attempt failed: try again at {@code nextAttemptMillis}, or never ({@code dead}) when attempts ran out. */
    public void failed(long seq, int attempts, long nextAttemptMillis, boolean dead, String error) {
        String e = error.length() > 500 ? error.substring(0, 500) : error;
        jdbc.inTransaction(tx -> tx.update("update webhook_outbox set attempts = ?, next_attempt_at = ?, dead = ?, last_error = ?"
                + " where seq = ?", attempts, nextAttemptMillis, dead, e, seq));
    }

    /** Rows still to deliver ({@code dead} false) or given up ({@code dead} true), over all endpoints. */
    public long count(boolean dead) {
        return jdbc.inTransaction(tx -> tx.queryOne("select count(*) from webhook_outbox where dead = ?", rs -> rs.getLong(1), dead))
                .orElse(0L);
    }
}
