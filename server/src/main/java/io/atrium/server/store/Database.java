package io.atrium.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.ConfigException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool and schema: HikariCP over embedded H2 (default, file-backed under the data
 * directory) or PostgreSQL, migrated by Flyway from {@code db/migration} at start.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private final HikariDataSource pool;
    private final Jdbc jdbc;

    private Database(HikariDataSource pool) {
        this.pool = pool;
        this.jdbc = new Jdbc(pool);
    }

    /** Opens the pool, checks the connection and applies pending migrations. */
    public static Database open(AtriumConfig.Database config, Path dataDir) {
        String url = durable(config.url().isEmpty() ? embeddedUrl(dataDir) : config.url());
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        hikari.setUsername(config.username().isEmpty() && url.startsWith("jdbc:h2:") ? "sa" : config.username());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setPoolName("atrium-db");
        hikari.setConnectionTimeout(config.connectTimeoutSeconds() * 1000L);
        hikari.setInitializationFailTimeout(config.connectTimeoutSeconds() * 1000L);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (HikariPool.PoolInitializationException | IllegalArgumentException e) {
            throw new ConfigException("cannot connect to database.url " + redact(url) + ": " + rootMessage(e), e);
        } catch (RuntimeException e) {
            throw new ConfigException("cannot use database.url " + redact(url) + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (FlywayException e) {
            pool.close();
            throw new ConfigException("cannot migrate the database at " + redact(url) + ": " + rootMessage(e), e);
        }
        warnIfCommitsMayBeLost(pool, url);
        return new Database(pool);
    }

    static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("atrium") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * A 2xx means the write is on disk: H2 (MVStore) by default writes commits in the background up to
     * {@code WRITE_DELAY} (500 ms) later, so a killed process loses what it had acknowledged. With
     * {@code WRITE_DELAY=0} every commit writes its chunk before returning (docs/SECURITY.md, finding 7).
     * An explicit {@code WRITE_DELAY} in a configured H2 URL is kept.
     */
    static String durable(String url) {
        if (url.startsWith("jdbc:h2:") && !url.toUpperCase(Locale.ROOT).contains("WRITE_DELAY=")) {
            return url + ";WRITE_DELAY=0";
        }
        return url;
    }

    /** PostgreSQL acknowledges a commit before it is durable when {@code synchronous_commit} or {@code fsync} is off. */
    private static void warnIfCommitsMayBeLost(DataSource pool, String url) {
        if (!url.startsWith("jdbc:postgresql:")) {
            return;
        }
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            for (String setting : new String[] {"synchronous_commit", "fsync"}) {
                try (ResultSet rs = st.executeQuery("show " + setting)) {
                    if (rs.next() && "off".equalsIgnoreCase(rs.getString(1))) {
                        log.warn("PostgreSQL {} is off: a crash may lose writes Atrium has already acknowledged;"
                                + " set it to on (docs/SECURITY.md, finding 7)", setting);
                    }
                }
            }
        } catch (SQLException e) {
            log.warn("cannot read PostgreSQL durability settings: {}", e.getMessage());
        }
    }

    public Jdbc jdbc() {
        return jdbc;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The readiness query: reads a row of a real table, so a store that can no longer read (e.g. H2 after a panic) is not ready. */
    static final String READY_QUERY = "SELECT 1 FROM rooms FETCH FIRST 1 ROWS ONLY";

    /**
     * True when a connection can be taken and {@link #READY_QUERY} answers within two seconds. A valid
     * connection alone is not enough: after an H2 panic connections stay valid while every query fails.
     */
    public boolean isReady() {
        try (Connection c = pool.getConnection(); var st = c.createStatement()) {
            st.setQueryTimeout(2);
            try (var rs = st.executeQuery(READY_QUERY)) {
                rs.next();
                return true;
            }
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
