package io.atrium.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A small JDBC helper: statements with positional parameters, row mappers, and transactions that
 * either commit whole or roll back whole. The connection of the running transaction is passed
 * explicitly; there is no thread-local magic.
 */
public final class Jdbc {

    /** SQLSTATE of a unique-constraint violation in both H2 and PostgreSQL. */
    static final String UNIQUE_VIOLATION = "23505";
    /** Unique constraints of the schema and the input field each one guards (both drivers name them). */
    private static final Map<String, String> UNIQUE_CONSTRAINT_FIELDS = Map.of(
            "users_username_key", "user.username",
            "users_sip_extension_key", "user.sip_extension",
            "devices_user_name_key", "device.name");

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** Runs {@code work} in one transaction: commit on return, roll back on any exception. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(new Tx(c));
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** One connection in a transaction. */
    public static final class Tx {
        private final Connection connection;

        Tx(Connection connection) {
            this.connection = connection;
        }

        public int update(String sql, Object... params) throws SQLException {
            try (PreparedStatement ps = prepare(sql, params)) {
                return ps.executeUpdate();
            }
        }

        public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
            try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }

        public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
            List<T> rows = query(sql, mapper, params);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        }

        public boolean exists(String sql, Object... params) throws SQLException {
            return queryOne(sql, rs -> true, params).isPresent();
        }

        private PreparedStatement prepare(String sql, Object... params) throws SQLException {
            PreparedStatement ps = connection.prepareStatement(sql);
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                ps.setObject(i + 1, p instanceof Instant t ? t.atOffset(ZoneOffset.UTC) : p);
            }
            return ps;
        }
    }

    /** The current time at the precision both databases store (milliseconds). */
    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    public static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static StoreException translate(SQLException e) {
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            for (var c : UNIQUE_CONSTRAINT_FIELDS.entrySet()) {
                if (message.contains(c.getKey())) {
                    return new StoreException.Duplicate(c.getValue(), c.getValue() + " is already taken");
                }
            }
            return new StoreException.Duplicate(null, "duplicate value");
        }
        return new StoreException("database error (SQLSTATE " + e.getSQLState() + ")", e);
    }
}
