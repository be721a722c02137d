package io.atrium.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.webrtc.peer.ClientPeer;
import io.atrium.webrtc.peer.IceRole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Janus 1.1.2 (Debian package {@code janus}) as a child process with a generated minimal configuration: only
 * the videoroom plugin and the HTTP transport (plugin and transport folders hold just those two libraries),
 * HTTP on 127.0.0.1 and a free port, ICE on one interface ({@code ice_enforce_list}), no NAT 1:1 mapping,
 * no STUN/TURN, IPv6 off, half-trickle (candidates inside the SDP), logging at warnings.
 *
 * <p><b>Why not {@code ice_enforce_list = "lo"}:</b> Janus 1.1.2 skips every interface flagged
 * {@code IFF_LOOPBACK} when it lists addresses for libnice ({@code janus_ice_setup_local}, src/ice.c line 3615
 * at tag v1.1.2), so with "lo" it adds no address and libnice falls back to gathering on every other interface
 * (on this machine 192.0.2.2 and IPv6); in a namespace with only {@code lo}, gathering fails ("Error gathering
 * candidates"). {@code scripts/bench} therefore runs the benchmark in a private network namespace whose only
 * interfaces are {@code lo} and a veth pair with no outside end, and gives the veth {@code janus0} the address
 * 127.0.0.1/32: Janus gathers 127.0.0.1 on {@code janus0}, and every datagram still goes 127.0.0.1 to 127.0.0.1
 * over {@code lo}.
 *
 * <p>Signaling over Janus's HTTP/JSON API: one session with a long-poll thread, one videoroom handle per peer.
 * Publishers send {@code joinandconfigure} with our offer and get Janus's answer; subscribers send
 * {@code join} as {@code ptype: subscriber} for every publisher's feed, get Janus's offer, answer it from the
 * client side ({@link Sdp#clientAnswer}) with {@code start}, and connect ICE-controlled (Janus, the full-agent
 * offerer, controls).
 */
public final class JanusProcess implements Sfu {
    public static final String PLUGIN_DIR = "/usr/lib/x86_64-linux-gnu/janus/plugins";
    public static final String TRANSPORT_DIR = "/usr/lib/x86_64-linux-gnu/janus/transports";
    private static final long ROOM = 4242;

    private final Path binary;
    private final Path workDir;
    private final String iceInterface;
    private final Http http = new Http();
    private final AtomicLong transactions = new AtomicLong();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<Integer, Long> feeds = new ConcurrentHashMap<>();
    private Process process;
    private String base;
    private long session;
    private long adminHandle;
    private Thread poller;
    private volatile boolean polling;
    private String version = "?";

    /**
     * @param iceInterface the one interface Janus gathers candidates on ({@code ice_enforce_list}); it must carry
     *                     127.0.0.1 (see the class comment: Janus skips loopback interfaces)
     */
    public JanusProcess(Path binary, Path workDir, String iceInterface) {
        this.binary = binary;
        this.workDir = workDir.toAbsolutePath();
        this.iceInterface = iceInterface;
    }

    @Override
    public String name() {
        return "Janus";
    }

    @Override
    public String describe() {
        return "Janus " + version + " (" + binary + "), videoroom + HTTP transport only, ICE on " + iceInterface + " (127.0.0.1)";
    }

    public JanusProcess start() throws IOException, InterruptedException {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: install Janus 1.1.2 with apt-get install janus"
                    + " (scripts/bench does this when run as root)");
        }
        Path conf = Files.createDirectories(workDir.resolve("conf"));
        Path plugins = Files.createDirectories(workDir.resolve("plugins"));
        Path transports = Files.createDirectories(workDir.resolve("transports"));
        Path empty = Files.createDirectories(workDir.resolve("empty"));
        link(plugins.resolve("libjanus_videoroom.so"), Path.of(PLUGIN_DIR, "libjanus_videoroom.so"));
        link(transports.resolve("libjanus_http.so"), Path.of(TRANSPORT_DIR, "libjanus_http.so"));
        int httpPort = AtriumProcess.freeTcpPort();
        Files.writeString(conf.resolve("janus.jcfg"), String.join("\n",
                "general: {",
                "  configs_folder = \"" + conf + "\"",
                "  plugins_folder = \"" + plugins + "\"",
                "  transports_folder = \"" + transports + "\"",
                "  events_folder = \"" + empty + "\"",
                "  loggers_folder = \"" + empty + "\"",
                "  interface = \"127.0.0.1\"",
                "  debug_level = 3",
                "  session_timeout = 120",
                "  admin_secret = \"" + Long.toHexString(System.nanoTime()) + "\"",
                "}",
                "certificates: {}",
                "media: {",
                "  ipv6 = false",
                "}",
                "nat: {",
                "  nice_debug = false",
                "  full_trickle = false",
                "  ice_lite = false",
                "  ice_tcp = false",
                "  ice_enforce_list = \"" + iceInterface + "\"",
                "}",
                "plugins: {}",
                "transports: {}",
                "loggers: {}",
                "events: { broadcast = false }",
                ""));
        Files.writeString(conf.resolve("janus.transport.http.jcfg"), String.join("\n",
                "general: {",
                "  json = \"plain\"",
                "  base_path = \"/janus\"",
                "  http = true",
                "  port = " + httpPort,
                "  ip = \"127.0.0.1\"",
                "  https = false",
                "}",
                "admin: { admin_http = false admin_https = false }",
                ""));
        Files.writeString(conf.resolve("janus.plugin.videoroom.jcfg"), "general: {\n}\n");
        process = new ProcessBuilder(binary.toString(), "-C", conf.resolve("janus.jcfg").toString(), "-F",
                conf.toString(), "-o").redirectErrorStream(true).redirectOutput(workDir.resolve("janus.log").toFile())
                .directory(workDir.toFile()) // a core file of a Janus that crashes at its stop (50x50, saturated: 1.3 GB once) lands here
                .start();
        base = "http://127.0.0.1:" + httpPort + "/janus";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Janus exited with " + process.exitValue() + "; see "
                        + workDir.resolve("janus.log"));
            }
            try {
                JsonNode info = http.postJson(base, Map.of("janus", "info", "transaction", "i"), Map.of()).json();
                version = info.path("version_string").asText("?");
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Janus did not answer in 30 s; see " + workDir.resolve("janus.log"));
                }
                Thread.sleep(200);
            }
        }
        JsonNode created = call(base, Map.of("janus", "create"));
        session = created.at("/data/id").asLong();
        polling = true;
        poller = new Thread(this::poll, "janus-long-poll");
        poller.setDaemon(true);
        poller.start();
        adminHandle = attach();
        return this;
    }

    private static void link(Path link, Path target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
    }

    /** A synchronous Janus request: returns the "success" body or throws with Janus's error. */
    private JsonNode call(String url, Map<String, Object> request) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>(request);
        body.put("transaction", "t" + transactions.incrementAndGet());
        JsonNode r = http.postJson(url, body, Map.of()).json();
        String kind = r.path("janus").asText();
        if (!kind.equals("success") && !kind.equals("ack")) {
            throw new IllegalStateException("Janus " + request.get("janus") + ": " + r);
        }
        return r;
    }

    private long attach() throws IOException, InterruptedException {
        return call(base + "/" + session, Map.of("janus", "attach", "plugin", "janus.plugin.videoroom"))
                .at("/data/id").asLong();
    }

    /** Sends a plugin message; returns the event that Janus delivers for it asynchronously (with its jsep). */
    private JsonNode message(long handle, Map<String, Object> body, Map<String, Object> jsep)
            throws IOException, InterruptedException, java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException {
        String tx = "t" + transactions.incrementAndGet();
        CompletableFuture<JsonNode> event = new CompletableFuture<>();
        pending.put(tx, event);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("janus", "message");
        request.put("transaction", tx);
        request.put("body", body);
        if (jsep != null) {
            request.put("jsep", jsep);
        }
        JsonNode r = http.postJson(base + "/" + session + "/" + handle, request, Map.of()).json();
        String kind = r.path("janus").asText();
        if (kind.equals("success")) {
            pending.remove(tx);
            return r;
        }
        if (!kind.equals("ack")) {
            pending.remove(tx);
            throw new IllegalStateException("Janus message " + body + ": " + r);
        }
        JsonNode e = event.get(30, TimeUnit.SECONDS);
        JsonNode data = e.at("/plugindata/data");
        if (data.has("error")) {
            throw new IllegalStateException("Janus videoroom " + body.get("request") + ": " + data);
        }
        return e;
    }

    private void poll() {
        while (polling) {
            try {
                Http.Response r = http.send("GET", base + "/" + session + "?maxev=20", null, null, Map.of(),
                        Duration.ofSeconds(40));
                JsonNode events = r.json();
                for (JsonNode e : events.isArray() ? events : List.of(events)) {
                    String tx = e.path("transaction").asText(null);
                    CompletableFuture<JsonNode> f = tx == null ? null : pending.remove(tx);
                    if (f != null) {
                        f.complete(e);
                    }
                }
            } catch (IOException e) {
                if (polling) {
                    sleepQuietly();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                sleepQuietly();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void createRoom(int publishers) throws Exception {
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("request", "create");
        create.put("room", ROOM);
        create.put("publishers", publishers + 1);
        create.put("audiocodec", "opus");
        create.put("videocodec", "vp8");
        create.put("bitrate", 0);
        create.put("fir_freq", 0);
        create.put("notify_joining", false);
        create.put("audiolevel_ext", false);
        create.put("audiolevel_event", false);
        create.put("videoorient_ext", false);
        create.put("playoutdelay_ext", false);
        create.put("transport_wide_cc_ext", false);
        JsonNode r = message(adminHandle, create, null);
        String result = r.at("/plugindata/data/videoroom").asText();
        if (!result.equals("created")) {
            throw new IllegalStateException("Janus videoroom create: " + r);
        }
    }

    @Override
    public void publish(Publisher publisher, ClientPeer peer) throws Exception {
        long handle = attach();
        Map<String, Object> join = new LinkedHashMap<>();
        join.put("request", "joinandconfigure");
        join.put("room", ROOM);
        join.put("ptype", "publisher");
        join.put("display", "p" + publisher.index());
        join.put("audio", true);
        join.put("video", publisher.profile().video());
        JsonNode e = message(handle, join, Map.of("type", "offer", "sdp", Sdp.publisherOffer(peer, publisher)));
        JsonNode jsep = e.get("jsep");
        if (jsep == null || !jsep.path("type").asText().equals("answer")) {
            throw new IllegalStateException("Janus joinandconfigure returned no answer: " + e);
        }
        feeds.put(publisher.index(), e.at("/plugindata/data/id").asLong());
        peer.connect(Sdp.remote(jsep.get("sdp").asText()), IceRole.CONTROLLING, Duration.ofSeconds(20));
    }

    @Override
    public void subscribe(int index, ClientPeer peer, int publishers, int layer, MediaProfile media)
            throws Exception {
        long handle = attach();
        List<Map<String, Object>> streams = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            Long feed = feeds.get(p);
            if (feed == null) {
                throw new IllegalStateException("publisher " + p + " has not joined Janus");
            }
            streams.add(Map.of("feed", feed));
        }
        Map<String, Object> join = new LinkedHashMap<>();
        join.put("request", "join");
        join.put("room", ROOM);
        join.put("ptype", "subscriber");
        join.put("streams", streams);
        JsonNode e = message(handle, join, null);
        JsonNode jsep = e.get("jsep");
        if (jsep == null || !jsep.path("type").asText().equals("offer")) {
            throw new IllegalStateException("Janus subscriber join returned no offer: " + e);
        }
        String offer = jsep.get("sdp").asText();
        String answer = Sdp.clientAnswer(offer, peer);
        message(handle, Map.of("request", "start"), Map.of("type", "answer", "sdp", answer));
        if (media.simulcast()) {
            // Janus 1.1.2 takes the rids of a=simulcast (our q;h;f) as listed from the highest down and numbers
            // substreams from the lowest: so its substream k is the k-th rid from the end, our layer k (f, h, q).
            // Asking for 2 - layer fed every f and q subscriber the other one (2026-12-03 run).
            List<Map<String, Object>> layers = new ArrayList<>();
            for (JsonNode stream : e.at("/plugindata/data/streams")) {
                if (stream.path("type").asText().equals("video")) {
                    layers.add(Map.of("mid", stream.path("mid").asText(), "substream", layer));
                }
            }
            message(handle, Map.of("request", "configure", "streams", layers), null);
        }
        peer.connect(Sdp.remote(offer), IceRole.CONTROLLED, Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        polling = false;
        if (poller != null) {
            poller.interrupt();
        }
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
}
