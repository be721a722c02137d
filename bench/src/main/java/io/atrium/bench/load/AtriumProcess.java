package io.atrium.bench.load;

import io.atrium.webrtc.peer.ClientPeer;
import io.atrium.webrtc.peer.IceRole;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Atrium from its built jar ({@code server/target/atrium.jar}) as a child process, with a generated YAML config:
 * HTTP on 127.0.0.1 and a free port, media on a free UDP port announced as 127.0.0.1, H2 in a temporary data
 * directory, one generated API key. Rooms and access tokens come from the REST API; publishers use WHIP and
 * subscribers WHEP (docs/API.md).
 */
public final class AtriumProcess implements Sfu {
    private static final String KEY = "bench";
    private final String name;
    private final Path jar;
    private final List<String> jvmOptions;
    private final Path workDir;
    private final Http http = new Http();
    private final String secret = "bench-" + Long.toHexString(System.nanoTime()) + "-0123456789abcdefghijklmnop";
    private Process process;
    private String base;
    private String room;
    private String token;

    public AtriumProcess(Path jar, List<String> jvmOptions, Path workDir) {
        this("Atrium", jar, jvmOptions, workDir);
    }

    /** {@code name} heads the table's column, e.g. "Atrium baseline" for an earlier build run beside this one. */
    public AtriumProcess(String name, Path jar, List<String> jvmOptions, Path workDir) {
        this.name = name;
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.workDir = workDir;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return "Atrium " + jar.getFileName() + " on java " + Runtime.version() + (jvmOptions.isEmpty() ? ""
                : " " + String.join(" ", jvmOptions));
    }

    /** Starts the process and waits for /readyz. */
    public AtriumProcess start() throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -B -q -DskipTests package");
        }
        Path config = writeConfig();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("atrium.log").toFile()).start();
        return awaitReady();
    }

    /**
     * Writes the generated config (free ports, this instance's API key) into the work directory and returns its
     * path: {@link #start} runs the jar on it; a test may start Atrium on it in its own JVM and {@link #awaitReady}.
     */
    public Path writeConfig() throws IOException {
        Files.createDirectories(workDir);
        int httpPort = freeTcpPort();
        Path config = workDir.resolve("atrium.yaml");
        Files.writeString(config, String.join("\n",
                "dev: false",
                "data_dir: " + workDir.resolve("data"),
                "http:",
                "  host: 127.0.0.1",
                "  port: " + httpPort,
                "rtc:",
                "  port: 0", // each media shard (rtc.media_threads; ATRIUM_RTC_MEDIA_THREADS in the environment) picks a free port
                "  announced_addresses: [\"127.0.0.1\"]",
                "auth:",
                "  api_keys: {" + KEY + ": \"" + secret + "\"}",
                ""));
        base = "http://127.0.0.1:" + httpPort;
        return config;
    }

    /** Waits for /readyz of the server on {@link #writeConfig()}'s config (this process's child, or not). */
    public AtriumProcess awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("Atrium exited with " + process.exitValue() + "; see "
                        + workDir.resolve("atrium.log"));
            }
            try {
                if (http.send("GET", base + "/readyz", null, null, Map.of(), Duration.ofSeconds(2)).status() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Atrium did not become ready in 60 s; see " + workDir.resolve("atrium.log"));
            }
            Thread.sleep(200);
        }
    }

    private Map<String, String> basic() {
        return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((KEY + ":" + secret).getBytes()));
    }

    @Override
    public long pid() {
        return process == null ? ProcessHandle.current().pid() : process.pid();
    }

    @Override
    public void createRoom(int publishers) throws Exception {
        Http.Response r = http.postJson(base + "/v1/rooms", Map.of("room", Map.of("name", "bench-" + System.nanoTime())),
                basic());
        if (r.status() != 201) {
            throw new IllegalStateException("POST /v1/rooms: " + r.status() + " " + r.body());
        }
        room = r.json().at("/room/uuid").asText();
        Http.Response t = http.postJson(base + "/v1/tokens", Map.of("room", room, "name", "bench"), basic());
        if (t.status() != 201) {
            throw new IllegalStateException("POST /v1/tokens: " + t.status() + " " + t.body());
        }
        token = t.json().get("token").asText();
    }

    private String exchange(String path, String offer) throws IOException, InterruptedException {
        Http.Response r = http.send("POST", base + path, offer, "application/sdp",
                Map.of("Authorization", "Bearer " + token), Duration.ofSeconds(30));
        if (r.status() != 201) {
            throw new IllegalStateException("POST " + path + ": " + r.status() + " " + r.body());
        }
        return r.body();
    }

    @Override
    public void publish(Publisher publisher, ClientPeer peer) throws Exception {
        String answer = exchange("/whip/" + room, Sdp.publisherOffer(peer, publisher));
        peer.connect(Sdp.remote(answer), IceRole.CONTROLLING, Duration.ofSeconds(20));
    }

    @Override
    public void subscribe(int index, ClientPeer peer, int publishers, int layer, MediaProfile media)
            throws Exception {
        // with simulcast the player's render size picks the layer (docs/API.md, POST /whep)
        String size = media.simulcast() ? "?width=" + MediaProfile.width(layer) + "&height=" + MediaProfile.height(layer)
                : "";
        String answer = exchange("/whep/" + room + size, Sdp.subscriberOffer(peer, publishers,
                layer < 0 ? 0 : publishers));
        peer.connect(Sdp.remote(answer), IceRole.CONTROLLING, Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
