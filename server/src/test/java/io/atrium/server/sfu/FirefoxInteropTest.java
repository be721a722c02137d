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
 * through {@code src/test/resources/interop/node/firefox.mjs}, with Firefox's fake camera and microphone, in a
 * room with a Chromium member: Firefox joins through the meeting web app ({@code /room.html}: name, "Join"),
 * Chromium with the SDK; Firefox sends its camera in three simulcast layers; each decodes the other's video
 * and hears its audio for the whole run.
 * The room's media stats must show Firefox's three rids, each with the frame size read from its stream.
 * Firefox's first frame and the frames it decodes are printed for docs/INTEROP.md.
 */
class FirefoxInteropTest extends Interop {
    private static final int ROOM_SECONDS = 45;
    /** How long Firefox may take to start (16 s seen on the loaded 2-core machine). */
    private static final Duration LAUNCH = Duration.ofSeconds(90);
    /** The page helpers the Chromium tests use (webrtc-test-helpers.js), injected into Firefox's page too. */
    private static final Path HELPERS = resource("/webrtc-test-helpers.js");

    @Test
    void firefoxAndChromiumSeeAndHearEachOtherInARoom() {
        String room = openRoom("firefox-room");
        try (Page chromium = chromiumMember(room);
             ExternalPeer firefox = firefox("firefox-app", room, ROOM_SECONDS, "Firefox")) {
            firefox.awaitState("connected", CONNECT);
            assertThat(firefox.await("offer", CONNECT).path("simulcast").toString()).contains("send q;h;f");
            waitForSimulcastLayers(room);
            assertChromiumDecodesTheOther(chromium, ROOM_SECONDS);
            JsonNode done = assertPlayed(firefox, ROOM_SECONDS, 3);
            assertThat(done.path("audio_energy").asDouble()).as("Firefox hears Chromium's tone").isPositive();
        }
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

    /** Firefox in the meeting web app of {@code room}, joined as {@code displayName} for {@code seconds}, started. */
    private ExternalPeer firefox(String name, String room, int seconds, String displayName) {
        String[] command = {server.uri("/room.html?room=" + room).toString(), HELPERS.toString(), Integer.toString(seconds),
            displayName};
        ExternalPeer firefox = node(name, "firefox.mjs", command);
        try {
            firefox.await("browser", LAUNCH);
            return firefox;
        } catch (AssertionError e) {
            firefox.close();
            throw e;
        }
    }
}
