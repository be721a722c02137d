package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.NodeClients;
import io.atrium.server.testing.SdkScripts;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What the interop tests (GStreamer, aiortc, libdatachannel, werift, Firefox; docs/INTEROP.md) share: one
 * Atrium per test class, the harness scripts of {@code src/test/resources/interop/} started against it, and
 * the checks every cell makes. The static parts serve other tests that run the same harness scripts
 * (RecordingInteropTest).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class Interop {
    public static final Duration CONNECT = Duration.ofSeconds(20);
    private static final List<String> AUTOPLAY = List.of("--autoplay-policy=no-user-gesture-required");

    TestServer server;

    @BeforeAll
    void startServer() {
        server = TestServer.start(Db.H2);
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

    /** A WHIP ({@code publish}) or WHEP ({@code play}) client in a Python harness: {@code script mode URL TOKEN args...}. */
    ExternalPeer pythonClient(String name, String script, String mode, String room, String... args) {
        List<String> command = new ArrayList<>(List.of(mode, url(mode.equals("publish") ? "whip" : "whep", room),
                server.token(room, "")));
        command.addAll(List.of(args));
        return python(name, script, command.toArray(String[]::new));
    }

    /** A Python harness script ({@code src/test/resources/interop/<script>}) run with Debian's python3. */
    public static ExternalPeer python(String name, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", ExternalPeer.script(script).toString()));
        command.addAll(List.of(args));
        return ExternalPeer.start(name, command, Path.of("."));
    }

    /** A node harness script ({@code src/test/resources/interop/node/}) beside its npm packages. */
    static ExternalPeer node(String name, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        return ExternalPeer.start(name, command, NodeClients.install());
    }

    /** Creates a room anyone may join (the SDK's {@code authenticate} with a display name) and returns its uuid. */
    String openRoom(String name) {
        return server.post("/v1/rooms", "{\"room\":{\"name\":\"" + name + "\",\"open\":true}}").json().at("/room/uuid").asText();
    }

    /**
     * A Chromium page that joined {@code room} with the SDK (fake camera and microphone, one layer), named
     * "Chromium", in a browser that may play audio without a user gesture.
     */
    Page chromiumMember(String room) {
        Page chromium = Chromium.newPage("chromium", new Browser.NewContextOptions(), Chromium.browser(AUTOPLAY));
        chromium.navigate(server.uri("/healthz").toString());
        Chromium.installHelpers(chromium);
        chromium.evaluate(SdkScripts.JOIN, List.of(room, "Chromium", "all"));
        return chromium;
    }

    /**
     * Waits until the Chromium member decodes the room's one other member and hears its audio, then checks that
     * it still decodes new frames once {@code seconds} - 10 s have passed since this call, past the 30 s consent mark.
     */
    static void assertChromiumDecodesTheOther(Page chromium, int seconds) {
        long start = System.nanoTime();
        Chromium.waitFor(chromium, SdkScripts.DECODES_OTHER, CONNECT);
        // Chromium decodes received audio, and measures its energy, only while the track plays
        chromium.evaluate("() => { const audio = new Audio(); audio.srcObject = new MediaStream("
                + "[[...client.members.values()][0].tracks.audio]); window.playing = audio; return audio.play(); }");
        Chromium.waitFor(chromium, "(await atriumTest.inboundStats(client.receivePc)).audio.totalAudioEnergy > 0", CONNECT);
        Waits.sleep(Math.max(0, (seconds - 10) * 1000L - (System.nanoTime() - start) / 1_000_000));
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
     * Waits for a player to show its first frame and end by itself after {@code seconds}, connected; checks
     * its video frames and audio (buffers, frames or packets, as the stack counts them) and prints a line for
     * docs/INTEROP.md.
     */
    static JsonNode assertPlayed(ExternalPeer player, int seconds, int minFramesPerSecond) {
        JsonNode first = player.await("first-frame", CONNECT);
        assertThat(player.waitForExit(Duration.ofSeconds(seconds + 20))).as(player + " exit").isZero();
        JsonNode done = player.await("done", Duration.ZERO);
        System.out.printf("interop: %s first frame after %d ms, %d frames in %d s: %s%n", player, first.path("ms").asLong(),
                done.path("frames").asInt(), seconds, done);
        assertThat(done.path("frames").asInt()).as(player + " video frames").isGreaterThan(minFramesPerSecond * seconds);
        int audio = done.path("audio_buffers").asInt() + done.path("audio_frames").asInt() + done.path("audio_packets").asInt();
        assertThat(audio).as(player + " audio").isGreaterThan(10 * seconds);
        return done;
    }

    /** Waits for a publisher to end by itself, still connected. */
    static void assertPublishedToTheEnd(ExternalPeer publisher, int seconds) {
        assertThat(publisher.waitForExit(Duration.ofSeconds(seconds + 20))).as(publisher + " exit").isZero();
        assertThat(publisher.await("done", Duration.ZERO).path("state").asText()).as(publisher + " at the end")
                .isEqualTo("connected");
    }
}
