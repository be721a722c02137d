package io.atrium.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebRTC client of another stack (GStreamer, aiortc, werift...) run as a process from the harness scripts in
 * {@code src/test/resources/interop/}. Each script prints one JSON object per line on stdout with an
 * {@code event} field ({@code answer}, {@code state}, {@code first-frame}, {@code stats}, {@code done},
 * {@code error}); this keeps them, in order, for the test to wait on. The process's stderr goes to
 * {@code target/interop/<name>.log}. Closing ends the process (and its children).
 */
public final class ExternalPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LOGS = Path.of("target", "interop");

    private final String name;
    private final Process process;
    private final List<JsonNode> events = new ArrayList<>();
    private final Thread reader;

    private ExternalPeer(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(this::read, "external-peer-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} in {@code workDir}. */
    public static ExternalPeer start(String name, List<String> command, Path workDir) {
        try {
            Files.createDirectories(LOGS);
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectError(LOGS.resolve(name + ".log").toFile());
            return new ExternalPeer(name, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** The path of a harness script in {@code src/test/resources/interop/}. */
    public static Path script(String file) {
        try {
            return Path.of(ExternalPeer.class.getResource("/interop/" + file).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no interop script " + file, e);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode event = JSON.readTree(line);
                synchronized (events) {
                    events.add(event);
                    events.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended; what it printed is kept
        }
    }

    /** The first event named {@code event}; fails when the process ends or the timeout passes first. */
    public JsonNode await(String event, Duration timeout) {
        return await(e -> e.path("event").asText().equals(event), "'" + event + "' event", timeout);
    }

    /** The first {@code state} event reporting {@code state} (e.g. {@code connected}). */
    public JsonNode awaitState(String state, Duration timeout) {
        return await(e -> e.path("event").asText().equals("state") && e.path("state").asText().equals(state),
                "state " + state, timeout);
    }

    private JsonNode await(Predicate<JsonNode> match, String what, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        synchronized (events) {
            while (true) {
                Optional<JsonNode> found = events.stream().filter(match).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new AssertionError(name + ": no " + what + (left <= 0 ? " within " + timeout
                            : " before the process ended (exit " + process.exitValue() + ")") + "; events: " + events
                            + "; log: " + LOGS.resolve(name + ".log").toAbsolutePath());
                }
                try {
                    events.wait(Math.min(left, 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }

    /** Waits for the process to end by itself; its exit code. */
    public int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + ": still running after " + timeout + "; events: " + events());
            }
            reader.join(timeout.toMillis());
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public List<JsonNode> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * Ends the process and its children at once: all stopped first (SIGSTOP), then killed (SIGKILL), so that none sees
     * another go and closes gracefully (killed one by one, children first, Firefox once sent DTLS close_notify 154 ms
     * after, most likely its parent, which holds the connection, on seeing its page's process die): the client falls
     * silent, sending not even a DTLS close_notify.
     */
    public void kill() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        List<String> stop = new ArrayList<>(List.of("kill", "-STOP"));
        all.forEach(p -> stop.add(Long.toString(p.pid())));
        try {
            new ProcessBuilder(stop).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(5, TimeUnit.SECONDS); // a process already gone makes kill exit 1: the others are stopped all the same
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes a line to the process's standard input (a harness script that waits for a go). */
    public void send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot write to its input", e);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
