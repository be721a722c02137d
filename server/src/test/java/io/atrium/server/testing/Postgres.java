package io.atrium.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's binaries ({@code /usr/lib/postgresql/N/bin}, installed
 * by {@code scripts/test}), a fresh cluster in a temporary directory, listening on 127.0.0.1 on a
 * free port with SCRAM password auth, started once per test JVM and stopped at exit. When the
 * binaries are missing the tests that need it fail; they are never skipped.
 */
public final class Postgres {

    public static final String USER = "atrium";
    public static final String PASSWORD = "atrium-test-" + UUID.randomUUID();
    private static Postgres instance;

    private final Path bin;
    private final Path dir;
    private final int port;

    private Postgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** The shared server, started on first use. */
    public static synchronized Postgres get() {
        if (instance == null) {
            instance = start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "postgres-stop"));
        }
        return instance;
    }

    /** A new, empty database on the shared server; returns its JDBC URL. */
    public String newDatabase() {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD); var s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database: " + e.getMessage(), e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static Postgres start() {
        Path bin = findBinaries();
        try {
            Path dir = Files.createTempDirectory("atrium-pg-");
            Path data = dir.resolve("data");
            Path pwfile = dir.resolve("pw");
            Files.writeString(pwfile, PASSWORD);
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
                Files.setOwner(dir, postgres);
                Files.setOwner(pwfile, postgres);
            }
            int port = Ports.free();
            run(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--pwfile=" + pwfile,
                    "--auth=scram-sha-256", "-E", "UTF8", "--locale=C");
            run(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w",
                    "-t", "60", "-o", "-h 127.0.0.1 -p " + port + " -k " + dir + " -c fsync=off", "start");
            return new Postgres(bin, dir, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL: " + e.getMessage(), e);
        }
    }

    private void stop() {
        try {
            boolean root = "root".equals(System.getProperty("user.name"));
            run(root, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop");
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("could not stop test PostgreSQL in " + dir + ": " + e.getMessage());
        }
    }

    private static Path findBinaries() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.naturalOrder())
                    .orElseThrow(() -> new IllegalStateException("PostgreSQL binaries not found under /usr/lib/postgresql:"
                            + " run scripts/test, which installs Debian's postgresql package"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(boolean asPostgres, String... command) {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", cmd) + "' failed:\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
