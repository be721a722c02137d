package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.NodeClients;
import io.atrium.server.testing.SdkScripts;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the interop tests (GStreamer, aiortc, libdatachannel, werift, Firefox; docs/INTEROP.md) share: one
 * Atrium per test class, the harness scripts of {@code src/test/resources/interop/} started against it, and
 * the checks every cell makes.
 * <p>
 * Keepalive and consent bugs (a peer cut after RFC 7675's 30 s) show only once a connection outlives the
 * consent timeout. Rather than run every client past 30 s, the tests' Atrium has a short one,
 * {@code rtc.consent_timeout_seconds} = {@value #CONSENT_SECONDS}, and every client runs 2.5 times that
 * ({@value #RUN_SECONDS} s): each player must still decode video and audio after a consent timeout has passed
 * since its first frame, each publisher must still be connected and sending {@value #RUN_SECONDS} s after it
 * connected. The negative control, {@link #killAndCheckDroppedAfterTheConsentTimeout}, run alongside on a client
 * of the same stack, shows the short timeout is in force (a killed client is dropped after about
 * {@value #CONSENT_SECONDS} s, not 30), so the long runs cannot pass for want of a timeout. The static parts serve other tests that run the same harness scripts
 * (RecordingInteropTest). Its classes count frames over a window, so they run alone ({@code @Isolated}), not beside
 * another test class.
 */
@Isolated
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class Interop {
    public static final Duration CONNECT = Duration.ofSeconds(20);
    /**
     * The tests' Atrium's {@code rtc.consent_timeout_seconds} (RFC 7675 and Atrium's default: 30): short, but above
     * every client's longest gap between keepalives (GStreamer's WHEP player: RTCP receiver reports only, up to
     * 7.3 s apart here; with 6 s, one GStreamer player in a dozen was dropped).
     */
    static final int CONSENT_SECONDS = 10;
    /** How long each client runs: 2.5 consent timeouts. */
    static final int RUN_SECONDS = 25;
    /** The duration given to publishers that run until the test ends or kills them. */
    static final int UNTIL_KILLED_SECONDS = 300;
    private static final List<String> AUTOPLAY = List.of("--autoplay-policy=no-user-gesture-required");

    TestServer server;

    @RegisterExtension
    final Closer open = new Closer();

    @BeforeAll
    void startServer() {
        try {
            AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-interop-"));
            server = TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(),
                    new AtriumConfig.Rtc(0, null, CONSENT_SECONDS, null), c.database(), c.auth()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** {@code /whip/<room>} or {@code /whep/<room>} on this test's server. */
    String url(String endpoint, String room) {
        return server.uri("/" + endpoint + "/" + room).toString();
    }

    /**
     * A WHIP ({@code publish}) or WHEP ({@code play}) client in a Python harness: {@code script mode URL TOKEN args...};
     * closed after the test.
     */
    ExternalPeer pythonClient(String name, String script, String mode, String room, String... args) {
        List<String> command = new ArrayList<>(List.of(mode, url(mode.equals("publish") ? "whip" : "whep", room),
                server.token(room, "")));
        command.addAll(List.of(args));
        return open.track(python(name, script, command.toArray(String[]::new)));
    }

    /** A Python harness script ({@code src/test/resources/interop/<script>}) run with Debian's python3. */
    public static ExternalPeer python(String name, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", ExternalPeer.script(script).toString()));
        command.addAll(List.of(args));
        return ExternalPeer.start(name, command, Path.of("."));
    }

    /** A node harness script ({@code src/test/resources/interop/node/}) beside its npm packages; closed after the test. */
    ExternalPeer node(String name, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        return open.track(ExternalPeer.start(name, command, NodeClients.install()));
    }

    /** Creates a room anyone may join (the SDK's {@code authenticate} with a display name) and returns its uuid. */
    String openRoom(String name) {
        return server.post("/v1/rooms", "{\"room\":{\"name\":\"" + name + "\",\"open\":true}}").json().at("/room/uuid").asText();
    }

    /**
     * A Chromium page that joined {@code room} with the SDK (fake camera and microphone, one layer), named
     * "Chromium", in a browser that may play audio without a user gesture; closed after the test.
     */
    Page chromiumMember(String room) {
        Page chromium = Chromium.newPage("chromium", new Browser.NewContextOptions(), Chromium.browser(AUTOPLAY));
        open.track(chromium);
        chromium.navigate(server.uri("/healthz").toString());
        Chromium.installHelpers(chromium);
        chromium.evaluate(SdkScripts.JOIN, List.of(room, "Chromium", "all"));
        return chromium;
    }

    /**
     * Waits until the Chromium member decodes the room's one other member and hears its audio, then checks that
     * it still decodes new frames once a consent timeout (and a second more) has passed since then.
     */
    static void assertChromiumDecodesTheOther(Page chromium) {
        Chromium.waitFor(chromium, SdkScripts.DECODES_OTHER, CONNECT);
        long decoding = System.nanoTime();
        // Chromium decodes received audio, and measures its energy, only while the track plays
        chromium.evaluate("() => { const audio = new Audio(); audio.srcObject = new MediaStream("
                + "[[...client.members.values()][0].tracks.audio]); window.playing = audio; return audio.play(); }");
        Chromium.waitFor(chromium, "(await atriumTest.inboundStats(client.receivePc)).audio.totalAudioEnergy > 0", CONNECT);
        Waits.sleep(Math.max(0, (CONSENT_SECONDS + 1) * 1000L - (System.nanoTime() - decoding) / 1_000_000));
        String decoded = "(await client.memberStats([...client.members.keys()][0])).video.framesDecoded";
        int before = ((Number) chromium.evaluate("async () => " + decoded)).intValue();
        Chromium.waitFor(chromium, decoded + " > " + (before + 10), CONNECT);
    }

    /** The room's first publisher in {@code GET /v1/rooms/{room}/media}. */
    public static JsonNode publisher(TestServer server, String room) {
        return server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers/0");
    }

    /** Waits until the room's media stats show a {@code codec} track whose layer announced 320x240. */
    void waitForSize320x240(String room, String codec) {
        Waits.waitUntil(() -> {
            for (JsonNode track : publisher(server, room).path("tracks")) {
                JsonNode layer = track.at("/layers/0");
                if (track.path("codec").asText().equalsIgnoreCase(codec) && layer.path("width").asInt() == 320
                        && layer.path("height").asInt() == 240) {
                    return true;
                }
            }
            return false;
        }, codec + " frame size 320x240 in the room's media stats");
    }

    /**
     * Waits for a player (or room member) to end by itself, connected, and checks what it received: video frames
     * (decoded, or complete for werift) and audio (buffers, frames or packets, as the stack counts them), over the
     * whole run and after a consent timeout had passed since its first frame (from the first report at or past
     * that mark to the end, at least 2 s). Prints a line for docs/INTEROP.md.
     */
    static JsonNode assertPlayed(ExternalPeer player, int minFramesPerSecond) {
        JsonNode first = player.await("first-frame", CONNECT);
        assertThat(player.waitForExit(CONNECT.plusSeconds(RUN_SECONDS))).as(player + " exit").isZero();
        JsonNode done = player.await("done", Duration.ZERO);
        long consentMark = first.path("ms").asLong() + CONSENT_SECONDS * 1000L;
        JsonNode mark = player.events().stream()
                .filter(e -> e.path("event").asText().equals("stats") && e.path("ms").asLong() >= consentMark).findFirst()
                .orElseThrow(() -> new AssertionError(player + ": no report a consent timeout after its first frame: "
                        + player.events()));
        double played = (done.path("ms").asLong() - first.path("ms").asLong()) / 1000.0;
        double after = (done.path("ms").asLong() - mark.path("ms").asLong()) / 1000.0;
        System.out.printf("interop: %s first frame after %d ms, %d frames in %.1f s, %d in the %.1f s after the consent"
                + " mark: %s%n", player, first.path("ms").asLong(), done.path("frames").asInt(), played,
                done.path("frames").asInt() - mark.path("frames").asInt(), after, done);
        assertThat(after).as(player + ": seconds played after the consent mark").isGreaterThanOrEqualTo(2);
        assertThat(done.path("frames").asInt()).as(player + " video frames").isGreaterThan((int) (minFramesPerSecond * played));
        assertThat(audio(done)).as(player + " audio").isGreaterThan((int) (10 * played));
        assertThat(done.path("frames").asInt() - mark.path("frames").asInt()).as(player + " video frames after the consent mark")
                .isGreaterThan((int) (minFramesPerSecond * after));
        assertThat(audio(done) - audio(mark)).as(player + " audio after the consent mark").isGreaterThan((int) (10 * after));
        return done;
    }

    private static int audio(JsonNode counts) {
        return counts.path("audio_buffers").asInt() + counts.path("audio_frames").asInt() + counts.path("audio_packets").asInt();
    }

    /**
     * Checks that each publisher (by room) is, {@value #RUN_SECONDS} s after {@code connectedNanos}, still connected
     * in its own view and Atrium's, its media still arriving.
     */
    void assertStillPublishing(Map<String, ExternalPeer> publishers, long connectedNanos) {
        Waits.sleep(Math.max(0, RUN_SECONDS * 1000L - (System.nanoTime() - connectedNanos) / 1_000_000));
        publishers.forEach((room, publisher) -> {
            long before = publisher(server, room).path("packets_in").asLong();
            Waits.waitUntil(() -> publisher(server, room).path("packets_in").asLong() > before + 10,
                    publisher + "'s media still arriving");
            assertThat(publisher(server, room).path("connected").asBoolean()).as(publisher + " connected in Atrium").isTrue();
            assertThat(publisher.events().stream().filter(e -> e.path("event").asText().equals("state"))
                    .map(e -> e.path("state").asText())).as(publisher + "'s connection states").last().isEqualTo("connected");
        });
    }

    /**
     * The negative control of the long runs: once {@code publisher} (the one publisher of {@code room}) is connected
     * and its media arriving, kills it (SIGKILL: no DTLS close_notify, no DELETE, nothing more sent) and checks, in
     * the background (join the result), that Atrium drops it from the room after about the consent timeout: not
     * before a second short of it (so the consent timeout, not some other rule, dropped it) and well before RFC
     * 7675's 30 s (so the short timeout is in force).
     */
    CompletableFuture<Void> killAndCheckDroppedAfterTheConsentTimeout(String room, ExternalPeer publisher) {
        publisher.awaitState("connected", CONNECT);
        Waits.waitUntil(() -> publisher(server, room).path("packets_in").asLong() > 10, publisher + "'s media arriving");
        long killed = System.nanoTime();
        publisher.kill();
        return CompletableFuture.runAsync(() -> {
            Waits.waitUntil(() -> server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers").isEmpty(),
                    publisher + " dropped", Duration.ofSeconds(CONSENT_SECONDS + 10));
            long droppedAfter = (System.nanoTime() - killed) / 1_000_000;
            System.out.printf("interop: %s killed, dropped by Atrium %d ms later (consent timeout %d s)%n", publisher,
                    droppedAfter, CONSENT_SECONDS);
            assertThat(droppedAfter).as(publisher + " dropped after (ms)")
                    .isBetween((CONSENT_SECONDS - 1) * 1000L, (CONSENT_SECONDS + 10) * 1000L);
        });
    }
}
