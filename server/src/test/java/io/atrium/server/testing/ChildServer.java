package io.atrium.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Atrium as a separate JVM, as {@code java -jar atrium.jar --dev} runs it: the server's main class on
 * this test's classpath, dev mode (embedded H2, API key devkey/secret) over a given data directory,
 * free HTTP and media ports. {@link #kill()} is SIGKILL on Linux ({@link Process#destroyForcibly}).
 */
public final class ChildServer implements AutoCloseable {

    public static final String BASIC = "Basic ZGV2a2V5OnNlY3JldA=="; // devkey:secret
    private static final Pattern LISTENING = Pattern.compile("open http://localhost:(\\d+)/");

    private final Process process;
    private final int port;
    private final List<String> output = new ArrayList<>();

    private ChildServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the server over {@code dataDir} and waits (up to 180 s: a loaded machine starts a JVM slowly) until it listens. */
    public static ChildServer start(Path dataDir) {
        return start(dataDir, java.util.Map.of());
    }

    /** As {@link #start(Path)}, with {@code ATRIUM_*} environment variables that set more keys. */
    public static ChildServer start(Path dataDir, java.util.Map<String, String> env) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // C1 only and the serial collector: a child lives for seconds to a minute, so C2's compiling and G1's threads
        // were most of its CPU (the eight classes with children: 377 → 232 CPU-s, 219 → 151 s), on a machine the
        // suite keeps busy. What a child is tested for (durability, failover, drains) does not depend on either.
        List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED", // as the server's jar (SRTP's GCM)
                "-cp", System.getProperty("java.class.path"), "io.atrium.server.Main", "--dev", "--data-dir", dataDir.toString(), "--http-port", "0", "--rtc-port", "0");
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().keySet().removeIf(k -> k.startsWith("ATRIUM_")); // only the flags and env configure it
            builder.environment().putAll(env);
            // a free SIP port unless given: dev mode's default 5060 may be held by another Atrium on this machine
            builder.environment().putIfAbsent("ATRIUM_SIP_PORT", String.valueOf(Ports.free()));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process died; the exit is reported below
            }
            port.completeExceptionally(new IllegalStateException("the server exited before listening"));
        }, "child-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ChildServer child = new ChildServer(process, port.get(180, TimeUnit.SECONDS));
            child.output.addAll(lines);
            return child;
        } catch (Exception e) {
            process.destroyForcibly();
            synchronized (lines) {
                throw new IllegalStateException("child server did not start: " + String.join("\n", lines), e);
            }
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The lines the server printed until it listened (its start-up banner among them). */
    public List<String> output() {
        return List.copyOf(output);
    }

    public int port() {
        return port;
    }

    /** SIGKILL: no shutdown hook, no flush, no close; waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("child server still alive 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM ({@link Process#destroy} on Linux): the server's shutdown runs (a cluster node drains first). */
    public void terminate() {
        process.destroy();
    }

    /** Completes when the process has exited. */
    public CompletableFuture<Process> exited() {
        return process.onExit();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
