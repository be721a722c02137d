package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Two Chromium pages exchange live media through Atrium's SFU over WHIP and WHEP. */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WhipWhepBrowserTest {

    TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    String room() {
        return server.post("/v1/rooms", "{\"room\":{\"name\":\"media\"}}").json().at("/room/uuid").asText();
    }

    String token(String room) {
        return server.post("/v1/tokens", "{\"room\":\"" + room + "\"}").json().get("token").asText();
    }

    Page page(String label) {
        Page page = Chromium.newPage(label);
        Chromium.installHelpers(page);
        page.navigate(server.uri("/").toString());
        return page;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> inbound(Page page, String kind) {
        return (Map<String, Object>) ((Map<String, Object>) page.evaluate("atriumTest.inboundStats(window.pc)")).get(kind);
    }

    @Test
    void publishedCameraAndMicrophoneAreDecodedByAPlayer() {
        String room = room();
        String playerToken = token(room);
        try (Page publisher = page("whip"); Page player = Chromium.newPage("player")) {
            publisher.evaluate("([room, token]) => atriumTest.whip(room, token).then(pc => { window.pc = pc; })",
                    java.util.List.of(room, token(room)));
            Chromium.installHelpers(player);
            player.navigate(server.uri("/play.html?room=" + room + "#token=" + playerToken).toString());
            Chromium.waitFor(player, "window.atriumPlayer !== undefined");
            player.evaluate("window.pc = window.atriumPlayer");
            Chromium.waitFor(player, "atriumTest.inboundStats(pc).then(s => (s.video.framesDecoded > 0"
                    + " && s.audio.packetsReceived > 0) || s)");
            Chromium.waitFor(player, "atriumTest.inboundStats(pc).then(s => s.video.framesDecoded > 20 || s)");
            // the fake camera's 640x480, or a 4:3 step down when Chrome's encoder adapts to a busy CPU (480x360 was seen
            // with another test class running beside this one)
            var video = inbound(player, "video");
            int width = ((Number) video.get("frameWidth")).intValue();
            assertThat(width).as("decoded width").isBetween(320, 640);
            assertThat(((Number) video.get("frameHeight")).intValue() * 4).as("4:3, as the camera sends").isEqualTo(width * 3);

            var media = server.get("/v1/rooms/" + room + "/media").json().get("media");
            assertThat(media.get("publishers")).hasSize(1);
            assertThat(media.at("/publishers/0/packets_in").asLong()).isPositive();
            assertThat(media.get("subscribers")).hasSize(1);
            assertThat(media.at("/subscribers/0/streams")).hasSize(2);
            assertThat(media.at("/subscribers/0/packets_out").asLong()).isPositive();

            String session = (String) player.evaluate("pc.sessionUrl");
            assertThat(server.send("DELETE", session, null, "Bearer " + token(room)).status()).isEqualTo(403);
            Chromium.waitFor(player, "document.getElementById('status').textContent === 'Live'");
            Chromium.waitFor(player, "document.getElementById('video').videoWidth === 640");
            Chromium.screenshot(player, "whep-player");
            assertThat(server.send("DELETE", session, null, "Bearer " + playerToken).status()).isEqualTo(200);
            Chromium.waitFor(player, "document.getElementById('status').textContent.includes('lost') || pc.connectionState");
        }
    }
}
