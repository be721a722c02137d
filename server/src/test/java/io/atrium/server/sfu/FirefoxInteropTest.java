package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.Waits;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Firefox ESR (Debian's firefox-esr, Gecko's WebRTC) driven headless over WebDriver BiDi by npm puppeteer-core,
 * through {@code src/test/resources/interop/node/firefox.mjs}, with Firefox's fake camera and microphone; the cells
 * run one after the other (all at once, the 2-core machine falls behind), and the second cell's browsers start while
 * the first cell plays (three Firefox and Chromium starting together took the machine 20 s):
 * <ul>
 * <li>over WHIP (three simulcast layers) and WHEP: a second Firefox decodes what the first publishes;</li>
 * <li>in a room with a Chromium member: Firefox joins through the meeting web app ({@code /room.html}: name,
 * "Join"), Chromium with the SDK; Firefox sends its camera in three simulcast layers; each decodes the
 * other's video and hears its audio.</li>
 * </ul>
 * The room's media stats must show Firefox's three rids, each with the frame size read from its stream. Every
 * connection must outlive the consent timeout, and the killed WHIP publisher be dropped after about one
 * ({@link Interop}). Firefox's first frame and the frames it decodes are printed for docs/INTEROP.md.
 */
class FirefoxInteropTest extends Interop {
    /** How long Firefox may take to start (16 s seen on the loaded 2-core machine). */
    private static final Duration LAUNCH = Duration.ofSeconds(90);
    /** The page helpers the Chromium tests use (webrtc-test-helpers.js), injected into Firefox's page too. */
    private static final Path HELPERS = resource("/webrtc-test-helpers.js");

    @Test
    void firefoxPublishesSimulcastOverWhipToAnotherFirefoxOverWhepThenMeetsChromiumInTheWebApp() {
        String whipRoom = server.createRoom("firefox-whip");
        String room = openRoom("firefox-room");
        ExternalPeer publisher = firefox("firefox-whip", "/healthz", UNTIL_KILLED_SECONDS, "whip", url("whip", whipRoom),
                server.token(whipRoom, ""));
        ExternalPeer player = firefox("firefox-whep", "/healthz", RUN_SECONDS, "whep", url("whep", whipRoom),
                server.token(whipRoom, ""));
        List.of(publisher, player).forEach(firefox -> firefox.await("browser", LAUNCH));

        // WHIP and WHEP (two of the three Firefox at work, so that the machine keeps up)
        publisher.send("go");
        publisher.awaitState("connected", CONNECT);
        long connected = System.nanoTime();
        assertOffersSimulcast(publisher);
        waitForSimulcastLayers(whipRoom);
        player.send("go");
        player.await("first-frame", CONNECT);
        // the web-app cell's browsers start while the player plays; Chromium then waits in the room for Firefox
        ExternalPeer app = firefox("firefox-app", "/room.html?room=" + room, RUN_SECONDS, "app", "Firefox");
        Page chromium = chromiumMember(room);
        JsonNode played = assertPlayed(player, 5);
        assertThat(played.path("audio_energy").asDouble()).as("the player hears the publisher's tone").isPositive();
        assertStillPublishing(Map.of(whipRoom, publisher), connected);
        assertThat(publisher.events().stream().filter(e -> e.path("event").asText().equals("stats")).map(e -> e.path("etag").asText()))
                .as("WHIP ETag in the publisher's reports").isNotEmpty().allMatch(etag -> !etag.isBlank());

        // the web app with the Chromium member, while the killed publisher is being dropped
        CompletableFuture<Void> dropped = killAndCheckDroppedAfterTheConsentTimeout(whipRoom, publisher);
        app.await("browser", LAUNCH);
        app.send("go");
        app.awaitState("connected", CONNECT);
        assertOffersSimulcast(app);
        assertChromiumDecodesTheOther(chromium);
        waitForSimulcastLayers(room);
        JsonNode done = assertPlayed(app, 3);
        assertThat(done.path("audio_energy").asDouble()).as("Firefox hears Chromium's tone").isPositive();
        assertThat(done.path("receive_state").asText()).as("Firefox's receiving connection at the end").isEqualTo("connected");
        dropped.join();
    }

    /** Checks that Firefox offered its camera in three simulcast layers; prints the offer for docs/INTEROP.md. */
    private static void assertOffersSimulcast(ExternalPeer firefox) {
        JsonNode offer = firefox.await("offer", CONNECT);
        System.out.println("interop: " + firefox + " offered " + offer);
        assertThat(offer.path("simulcast").toString()).contains("send q;h;f");
    }

    /**
     * Waits until the room's media stats show a track in three layers q, h, f, at least two of them with a frame
     * size read from their stream, larger from layer to layer (Firefox scales them by 4, 2 and 1; on a loaded
     * machine it may lower the sizes, or pause a layer for a while).
     */
    private void waitForSimulcastLayers(String room) {
        AtomicReference<String> seen = new AtomicReference<>();
        try {
            Waits.waitUntil(() -> {
                for (JsonNode layers : server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers").findValues("layers")) {
                    List<String> rids = new ArrayList<>();
                    List<Integer> widths = new ArrayList<>();
                    for (JsonNode layer : layers) {
                        rids.add(layer.path("rid").asText());
                        if (layer.path("width").asInt() > 0 && layer.path("height").asInt() > 0) {
                            widths.add(layer.path("width").asInt());
                        }
                    }
                    if (rids.equals(List.of("q", "h", "f"))) {
                        seen.set(layers.toString());
                        if (widths.size() >= 2 && widths.equals(widths.stream().sorted().distinct().toList())) {
                            return true;
                        }
                    }
                }
                return false;
            }, "Firefox's simulcast layers", CONNECT);
            System.out.println("interop: Firefox's simulcast layers " + seen.get());
        } catch (AssertionError e) {
            throw new AssertionError("no track in layers q, h, f with sizes growing from layer to layer; last seen: " + seen.get(), e);
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(FirefoxInteropTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Firefox on {@code page} of the test server, starting; it runs {@code mode} (see firefox.mjs) for
     * {@code seconds} once sent a line.
     */
    private ExternalPeer firefox(String name, String page, int seconds, String mode, String... args) {
        List<String> command = new ArrayList<>(List.of(server.uri(page).toString(), HELPERS.toString(),
                Integer.toString(seconds), mode));
        command.addAll(List.of(args));
        return node(name, "firefox.mjs", command.toArray(String[]::new));
    }
}
