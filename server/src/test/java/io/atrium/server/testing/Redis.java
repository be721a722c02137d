package io.atrium.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis for tests: Debian's {@code redis-server} (installed by {@code scripts/test}) on 127.0.0.1 and a
 * free port, in memory only (no RDB, no AOF), one per test class. {@link #restart()} stops it and starts an
 * empty one on the same port (Redis lost mid-meeting); when the binary is missing the test fails, never skips.
 */
public final class Redis implements AutoCloseable {

    private final int port;
    private Process process;
    private final List<String> output = new ArrayList<>();

    private Redis(int port) {
        this.port = port;
        launch();
    }

    /** A new server on a free port. */
    public static Redis start() {
        return new Redis(Ports.free());
    }

    /** The URL for {@code cluster.redis_url}. */
    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    public int port() {
        return port;
    }

    private void launch() {
        List<String> cmd = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no", "--loglevel", "notice");
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-server (Debian package redis-server, installed by scripts/test): "
                    + e.getMessage(), e);
        }
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.contains("Ready to accept connections")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process ended; reported below
            }
            ready.completeExceptionally(new IllegalStateException("redis-server exited"));
        }, "redis-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            synchronized (output) {
                throw new IllegalStateException("redis-server did not start:\n" + String.join("\n", output), e);
            }
        }
    }

    /** Runs a {@code redis-cli} command against this server and returns its output (raw). */
    public String cli(String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--raw", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the server (its data is gone) and starts an empty one on the same port. */
    public void restart() {
        restart(() -> { });
    }

    /** Kills the server, runs {@code whileDown}, then starts an empty one on the same port. */
    public void restart(Runnable whileDown) {
        stop();
        try {
            whileDown.run();
        } finally {
            launch();
        }
    }

    private void stop() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
