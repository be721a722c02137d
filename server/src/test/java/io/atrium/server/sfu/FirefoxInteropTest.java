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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Firefox ESR (Debian's firefox-esr, Gecko's WebRTC) driven headless over WebDriver BiDi by npm puppeteer-core,
 * through {@code src/test/resources/interop/node/firefox.mjs}, with Firefox's fake camera and microphone:
 * <ul>
 * <li>in a room with a Chromium member: Firefox joins through the meeting web app ({@code /room.html}: name,
 * "Join"), Chromium with the SDK; Firefox sends its camera in three simulcast layers; each decodes the
 * other's video and hears its audio for the whole run;</li>
 * <li>over WHIP (three simulcast layers) and WHEP: a second Firefox decodes what the first publishes.</li>
 * </ul>
 * The room's media stats must show Firefox's three rids, each with the frame size read from its stream.
 * Firefox's first frame and the frames it decodes are printed for docs/INTEROP.md.
 */
class FirefoxInteropTest extends Interop {
    private static final int ROOM_SECONDS = 45;
    private static final int PLAY_SECONDS = 45;
    /** Longer than the test needs: the publisher runs while the player does (which starts once its layers show) and is then closed. */
    private static final int PUBLISH_SECONDS = 300;
    /** How long Firefox may take to start (16 s seen on the loaded 2-core machine). */
    private static final Duration LAUNCH = Duration.ofSeconds(90);
    /** The page helpers the Chromium tests use (webrtc-test-helpers.js), injected into Firefox's page too. */
    private static final Path HELPERS = resource("/webrtc-test-helpers.js");

    @Test
    void firefoxAndChromiumSeeAndHearEachOtherInARoom() {
        String room = openRoom("firefox-room");
        try (Page chromium = chromiumMember(room)) {
            try (ExternalPeer firefox = firefox("firefox-app", "/room.html?room=" + room, ROOM_SECONDS, "app", "Firefox")) {
                firefox.awaitState("connected", CONNECT);
                assertOffersSimulcast(firefox);
                waitForSimulcastLayers(room);
                assertChromiumDecodesTheOther(chromium, ROOM_SECONDS);
                JsonNode done = assertPlayed(firefox, ROOM_SECONDS, 3);
                assertThat(done.path("audio_energy").asDouble()).as("Firefox hears Chromium's tone").isPositive();
                assertThat(done.path("receive_state").asText()).as("Firefox's receiving connection at the end").isEqualTo("connected");
            }
        }
    }

    @Test
    void firefoxPublishesSimulcastOverWhipAndAnotherFirefoxPlaysItOverWhep() {
        String room = server.createRoom("firefox-whip");
        try (ExternalPeer publisher = firefox("firefox-whip", "/healthz", PUBLISH_SECONDS, "whip", url("whip", room), server.token(room, ""))) {
            publisher.awaitState("connected", CONNECT);
            assertOffersSimulcast(publisher);
            waitForSimulcastLayers(room);
            try (ExternalPeer player = firefox("firefox-whep", "/healthz", PLAY_SECONDS, "whep", url("whep", room), server.token(room, ""))) {
                JsonNode done = assertPlayed(player, PLAY_SECONDS, 5);
                assertThat(done.path("audio_energy").asDouble()).as("the player hears the publisher's tone").isPositive();
            }
            // the player decoded the publisher for 45 s: the publisher's connection, still up, is past the consent mark
            List<JsonNode> events = publisher.events();
            assertThat(events.stream().filter(e -> e.path("event").asText().equals("state")).map(e -> e.path("state").asText()))
                    .as("the publisher's connection states").last().isEqualTo("connected");
            assertThat(events.stream().filter(e -> e.path("event").asText().equals("stats")).map(e -> e.path("etag").asText()))
                    .as("WHIP ETag in the publisher's reports").isNotEmpty().allMatch(etag -> !etag.isBlank());
        }
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

    /** Firefox on {@code page} of the test server, in {@code mode} (see firefox.mjs) for {@code seconds}, started. */
    private ExternalPeer firefox(String name, String page, int seconds, String mode, String... args) {
        List<String> command = new ArrayList<>(List.of(server.uri(page).toString(), HELPERS.toString(),
                Integer.toString(seconds), mode));
        command.addAll(List.of(args));
        ExternalPeer firefox = node(name, "firefox.mjs", command.toArray(String[]::new));
        try {
            firefox.await("browser", LAUNCH);
            return firefox;
        } catch (AssertionError e) {
            firefox.close();
            throw e;
        }
    }
}
