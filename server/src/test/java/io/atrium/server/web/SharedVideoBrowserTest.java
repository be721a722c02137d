package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Contract 003's shared video files in the web app: the operator uploads a clip, then play, pause and
 * seek (video_control) reach every participant's page together, and a late joiner starts where the
 * others are.
 */
@ResourceLock(Chromium.LOCK)
class SharedVideoBrowserTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "/api/video-call";

    @Test
    void participantsPlayPauseAndSeekTheSharedVideoTogether() throws Exception {
        try (TestServer server = TestServer.start(Db.H2)) {
            JsonNode session = server.send("POST", API + "/session", "{\"name\":\"Watch party\"}", null).json();
            String id = session.get("session_id").asText();
            String control = session.get("control_token").asText();
            try (Page ann = join(server, id, "Ann"); Page bob = join(server, id, "Bob");
                 RpcClient operator = RpcClient.connect(server)) {
                operator.call("watch_room", Map.of("auth_token", control));
                JsonNode file = upload(server, id, control);
                String fileId = file.get("file_id").asText();
                String url = file.get("url").asText();

                Object refused = ann.evaluate("atriumApp.client.request('video_control', {file_id: 'x', url: '/x', action: 'play'})"
                        + ".then(() => 'accepted', e => String(e.message ?? e))");
                assertThat(String.valueOf(refused)).contains("admin only");

                operator.call("video_control", Map.of("file_id", fileId, "url", url, "action", "play", "position", 0));
                for (Page p : List.of(ann, bob)) {
                    Chromium.waitFor(p, "(v => (!v.paused && v.currentTime > 0.3) || v.ended)(document.getElementById('shared-video'))");
                }
                Chromium.screenshot(bob, "shared-video");

                operator.call("video_control", Map.of("file_id", fileId, "action", "pause", "position", 1.0));
                for (Page p : List.of(ann, bob)) {
                    Chromium.waitFor(p, "(v => v.paused && Math.abs(v.currentTime - 1.0) < 0.15)(document.getElementById('shared-video'))");
                }
                operator.call("video_control", Map.of("file_id", fileId, "action", "seek", "position", 0.5));
                for (Page p : List.of(ann, bob)) {
                    Chromium.waitFor(p, "(v => v.paused && Math.abs(v.currentTime - 0.5) < 0.15)(document.getElementById('shared-video'))");
                }
                try (Page cat = join(server, id, "Cat")) {
                    Chromium.waitFor(cat, "(v => v.paused && Math.abs(v.currentTime - 0.5) < 0.15)(document.getElementById('shared-video'))");
                    operator.call("video_control", Map.of("file_id", fileId, "action", "play"));
                    // playing on from 0.5 (the 2 s clip may already have played to its end when a loaded machine looks)
                    for (Page p : List.of(ann, bob, cat)) {
                        Chromium.waitFor(p, "(v => (!v.paused && v.currentTime > 0.55) || v.ended)(document.getElementById('shared-video'))");
                    }
                }
            }
        }
    }

    @Test
    void theOperatorSharesAndPlaysAVideoFromTheControlPage() throws Exception {
        try (TestServer server = TestServer.start(Db.H2)) {
            JsonNode session = server.send("POST", API + "/session", "{\"name\":\"Control video\"}", null).json();
            String id = session.get("session_id").asText();
            try (Page ann = join(server, id, "Ann"); Page control = Chromium.newPage("control")) {
                control.navigate(server.uri("/control/?session=" + id + "#token=" + session.get("control_token").asText()).toString());
                assertThat(control.locator("#live-status")).hasText("live");
                java.nio.file.Path clip = java.nio.file.Path.of(SharedVideoBrowserTest.class.getResource("/media/clip-vp8-opus.webm").toURI());
                control.locator("#video-form [name=file]").setInputFiles(clip);
                control.locator("#video-form button[type=submit]").click();
                assertThat(control.locator("#video-controls")).isVisible();
                assertThat(control.locator("#video-name")).containsText("clip-vp8-opus.webm");
                control.locator("[data-video=play]").click();
                Chromium.waitFor(ann, "(v => (!v.paused && v.currentTime > 0.3) || v.ended)(document.getElementById('shared-video'))");
                control.locator("[data-video=pause]").click();
                Chromium.waitFor(ann, "document.getElementById('shared-video').paused");
                assertThat(control.locator("#video-error")).hasText("");
            }
        }
    }

    static Page join(TestServer server, String session, String name) {
        JsonNode token = server.send("POST", API + "/session/" + session + "/participant-token", "{\"name\":\"" + name + "\"}", null)
                .json();
        Page page = Chromium.newPage(name.toLowerCase());
        page.navigate(token.get("join_url").asText().replaceFirst("^https?://[^/]+", server.uri("").toString()));
        Chromium.waitFor(page, "atriumApp.videoTrack !== null");
        page.locator("#join-button").click();
        assertThat(page.locator("#meeting")).isVisible();
        Chromium.waitFor(page, "atriumApp.client.state === 'joined'");
        return page;
    }

    static JsonNode upload(TestServer server, String session, String token) throws Exception {
        byte[] clip;
        try (var in = SharedVideoBrowserTest.class.getResourceAsStream("/media/clip-vp8-opus.webm")) {
            clip = in.readAllBytes();
        }
        String boundary = "----atrium-shared-video";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.webm\"\r\n"
                + "Content-Type: video/webm\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(clip);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri(API + "/session/" + session + "/video-file"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
