package io.atrium.server.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real coturn ({@code /usr/bin/turnserver}, Debian's {@code coturn}, installed by {@code scripts/test})
 * on 127.0.0.1 and a free UDP/TCP port, with the TURN REST credential scheme ({@code use-auth-secret})
 * and relay ports from a small range on 127.0.0.1. Loopback peers are allowed, since Atrium's media
 * port is on loopback in tests. Stopped by {@link #close}.
 */
public final class Coturn implements AutoCloseable {

    public static final Path EXECUTABLE = Path.of("/usr/bin/turnserver");
    public static final String REALM = "atrium.test";

    private final Process process;
    private final Path log;
    private final int port;
    private final String secret;

    private Coturn(Process process, Path log, int port, String secret) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.secret = secret;
    }

    /** Starts coturn with a random {@code static-auth-secret}; returns once it listens. */
    public static Coturn start() {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new AssertionError(EXECUTABLE + " is missing: run scripts/test, which installs Debian's coturn");
        }
        String secret = "turn-" + UUID.randomUUID();
        int port = Ports.free();
        int minPort = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
        try {
            Path dir = Files.createTempDirectory("atrium-coturn-");
            Path log = dir.resolve("turnserver.log");
            Process p = new ProcessBuilder(List.of(EXECUTABLE.toString(), "-n",
                    "--listening-ip=127.0.0.1", "--listening-port=" + port, "--relay-ip=127.0.0.1",
                    "--min-port=" + minPort, "--max-port=" + (minPort + 200),
                    "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=" + REALM,
                    "--fingerprint", "--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls",
                    "--userdb=" + dir.resolve("turndb"), "--no-stdout-log", "--simple-log", "--log-file=" + log, "--pidfile=" + dir.resolve("pid"),
                    "--verbose"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout").toFile()).start();
            Coturn c = new Coturn(p, log, port, secret);
            c.awaitListening();
            return c;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start coturn: " + e, e);
        }
    }

    private void awaitListening() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("coturn exited with " + process.exitValue() + ": " + log());
            }
            if (log().contains("Total General servers") && answersBinding()) {
                return;
            }
            Waits.sleep(50);
        }
        throw new IllegalStateException("coturn did not start: " + log());
    }

    /** True when a STUN Binding request (RFC 8489 §6) to the listening port is answered. */
    private boolean answersBinding() {
        byte[] request = new byte[20];
        request[1] = 0x01; // Binding request, no attributes
        request[4] = 0x21;
        request[5] = 0x12;
        request[6] = (byte) 0xA4;
        request[7] = 0x42;
        ThreadLocalRandom.current().nextBytes(java.util.Arrays.copyOfRange(request, 8, 20));
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(300);
            s.send(new java.net.DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), port));
            java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[1500], 1500);
            s.receive(reply);
            return reply.getLength() >= 20 && reply.getData()[0] == 0x01 && reply.getData()[1] == 0x01;
        } catch (IOException e) {
            return false;
        }
    }

    /** The {@code stun:} URL: coturn answers Binding requests without credentials. */
    public String stunUrl() {
        return "stun:127.0.0.1:" + port;
    }

    /** The {@code turn:} URL over UDP. */
    public String url() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    public String secret() {
        return secret;
    }

    /** Everything coturn logged so far (the log file may be renamed with a date by some versions). */
    public String log() {
        try (var files = Files.list(log.getParent())) {
            StringBuilder b = new StringBuilder();
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("turnserver")).toList()) {
                b.append(Files.readString(f));
            }
            return b.toString();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
