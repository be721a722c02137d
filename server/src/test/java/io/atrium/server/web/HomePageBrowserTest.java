package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** The web app's first page in a real Chromium, and the browser's own WebRTC on loopback. */
@ResourceLock(Chromium.LOCK)
class HomePageBrowserTest {

    /**
     * Production with {@code http.browser_api_key} off (the default): an Atrium user signs in on the home page and
     * starts a meeting as its host; the page offers no API key form and ignores a key the tab kept.
     */
    @Test
    void aSignedInPersonStartsAMeetingWithoutTheApiKey() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-signin-"));
        try (TestServer server = TestServer.start(c.withHttp(c.http().withBrowserApiKey(false)));
             Page page = Chromium.newPage("signin")) {
            String olga = server.createUser("olga");
            // a key this tab kept (say, from before the operator turned the switch off) is not used
            page.addInitScript("sessionStorage.setItem('atrium.key', '" + TestServer.KEY + "');"
                    + "sessionStorage.setItem('atrium.secret', '" + TestServer.SECRET + "');");
            page.navigate(server.uri("/").toString());
            assertThat(page.locator("#status")).hasText("Atrium is running.");
            assertThat(page.locator("#admin")).isHidden();
            page.locator("#new-name").fill("Board review");
            page.locator("#new-meeting-button").click();
            assertThat(page.locator("#new-result")).hasText("Sign in with your Atrium account to start a meeting.");
            assertThat(page.locator("#signin [name=username]")).isFocused();
            assertThat(server.get("/v1/rooms").json().get("rooms")).isEmpty();
            page.locator("#signin [name=username]").fill("olga");
            page.locator("#signin [name=password]").fill("not-her-password");
            page.locator("#signin-button").click();
            assertThat(page.locator("#signin-result")).hasText("Wrong username or password.");

            page.locator("#signin [name=password]").fill("password-olga");
            page.locator("#signin-button").click();
            page.waitForURL("**/r/board-review");
            assertThat(page.locator("#host-note")).hasText("You join as olga display, a host of this meeting.");
            Chromium.waitFor(page, "atriumApp.videoTrack !== null");
            page.locator("#join-button").click();
            Chromium.waitFor(page, "atriumApp.client?.state === 'joined' || atriumApp.client?.state");
            assertThat(page.evaluate("atriumApp.client.isAdmin")).isEqualTo(true);
            assertThat(page.evaluate("sessionStorage.getItem('atrium.key')")).isNull();
            JsonNode room = server.get("/v1/rooms").json().get("rooms").get(0);
            assertThat(room.get("name").asText()).isEqualTo("Board review");
            assertThat(room.get("open").asBoolean()).isTrue();
            assertThat(room.get("members").get(0).get("user_id").asText()).isEqualTo(olga);
            assertThat(room.get("members").get(0).get("admin").asBoolean()).isTrue();
            // no credentials, no meeting
            assertThat(server.send("POST", "/web/meetings", "{}", null).status()).isEqualTo(401);

            // the signed-in host (no API key) ends the meeting for two guests: each page says who ended it
            try (Participant gus = Participant.open(server, "gus", "/r/board-review", false);
                 Participant gia = Participant.open(server, "gia", "/r/board-review", false)) {
                Participant.joinTogether(List.of(gus, gia), "Gus", "Gia");
                assertThat(page.locator("#grid .tile")).hasCount(3);
                page.locator("#leave").click();
                page.locator("#end-all").click();
                assertThat(gus.page.locator("#ended-message")).hasText("The host ended the meeting for everyone.");
                assertThat(gia.page.locator("#ended-message")).hasText("The host ended the meeting for everyone.");
                assertThat(page.locator("#ended-message")).hasText("You ended the meeting for everyone.");
                String uuid = room.get("uuid").asText();
                assertThat(server.get("/v1/rooms/" + uuid + "/members").json().get("live")).isEmpty();
            }
        }
    }

    @Test
    void homePageShowsStatusAndCreatesARoom() {
        try (TestServer server = TestServer.start(Db.H2); Page page = Chromium.newPage("home")) {
            page.navigate(server.uri("/").toString());
            assertThat(page.locator("#status")).hasText("Atrium is running.");

            // outside dev mode, "New meeting" asks to sign in, or (http.browser_api_key on) for the API key
            page.locator("#new-meeting-button").click();
            assertThat(page.locator("#new-result")).hasText("Sign in with your Atrium account to start a meeting"
                    + " (or enter the server's API key under “Rooms and server access”).");
            assertThat(page.locator("#signin [name=username]")).isFocused();
            page.locator("#admin summary").click();

            page.locator("#create [name=name]").fill("Too early");
            page.locator("#create button[type=submit]").click();
            assertThat(page.locator("#create-result")).containsText("Enter the API key and secret first");

            page.locator("#creds [name=key]").fill(TestServer.KEY);
            page.locator("#creds [name=secret]").fill(TestServer.SECRET);
            page.locator("#creds button[type=submit]").click();
            assertThat(page.locator("#rooms li")).hasText("No rooms yet.");

            page.locator("#create [name=name]").fill("Browser smoke room");
            page.locator("#create [name=password]").fill("pw-123");
            page.locator("#create button[type=submit]").click();
            assertThat(page.locator("#create-result")).containsText("Created “Browser smoke room”");
            Locator listed = page.locator("#rooms li");
            assertThat(listed).hasCount(1);
            assertThat(listed).containsText("Browser smoke room — ");
            Chromium.screenshot(page, "home");

            JsonNode room = server.get("/v1/rooms").json().get("rooms").get(0);
            assertThat(room.get("name").asText()).isEqualTo("Browser smoke room");
            assertThat(room.get("force_waiting_room").asBoolean()).isTrue();
            assertThat(room.get("force_password").asBoolean()).isTrue();
            assertThat(room.get("open").asBoolean()).isFalse();
            String uuid = room.get("uuid").asText();
            assertThat(listed).containsText(uuid);
            assertThat(room.get("slug").asText()).isEqualTo("browser-smoke-room");
            assertThat(page.locator("#guest-link")).hasAttribute("href", "/r/browser-smoke-room");
            assertThat(page.locator("#start-host")).hasAttribute("href", "/r/browser-smoke-room?host=1");

            // the key stays in this tab's sessionStorage, so a reload lists the rooms again
            page.reload();
            page.locator("#admin summary").click();
            assertThat(page.locator("#rooms li")).containsText("Browser smoke room");

            // joining by a pasted link goes to the room page
            page.locator("#join [name=link]").fill("http://elsewhere/room.html?room=" + uuid.toUpperCase());
            page.locator("#join button[type=submit]").click();
            page.waitForURL("**/room.html?room=" + uuid);
        }
    }

    @Test
    void joinFormRefusesSomethingThatIsNotALink() {
        try (TestServer server = TestServer.start(Db.H2); Page page = Chromium.newPage("home")) {
            page.navigate(server.uri("/").toString());
            page.locator("#join [name=link]").fill("https://elsewhere.example/some/page"); // a name would be fine: /r/<name>
            page.locator("#join button[type=submit]").click();
            assertThat(page.locator("#join-result")).containsText("That is not a meeting link");
        }
    }

    @Test
    void fakeCameraReachesALoopbackPeerConnection() {
        try (Page page = Chromium.newPage("loopback")) {
            // getUserMedia needs a secure context, which about:blank is not; 127.0.0.1 is, and the
            // route answers for it inside the browser, so no server is involved.
            page.route("http://127.0.0.1/", route -> route.fulfill(new Route.FulfillOptions()
                    .setContentType("text/html").setBody("<!doctype html><title>loopback</title>")));
            page.navigate("http://127.0.0.1/");
            Chromium.installHelpers(page);
            page.evaluate("""
                    async () => {
                      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
                      const sender = new RTCPeerConnection(), receiver = new RTCPeerConnection();
                      // only loopback candidates: test traffic stays on 127.0.0.1
                      const loopback = (to) => e => e.candidate?.address === '127.0.0.1' && to.addIceCandidate(e.candidate);
                      sender.onicecandidate = loopback(receiver);
                      receiver.onicecandidate = loopback(sender);
                      stream.getTracks().forEach(t => sender.addTrack(t, stream));
                      await sender.setLocalDescription();
                      await receiver.setRemoteDescription(sender.localDescription);
                      await receiver.setLocalDescription();
                      await sender.setRemoteDescription(receiver.localDescription);
                      Object.assign(window, { sender, receiver });
                    }""");

            Chromium.waitFor(page, "atriumTest.inboundStats(receiver).then(s => s.video.framesDecoded > 10 || s)");

            @SuppressWarnings("unchecked")
            Map<String, Object> video = (Map<String, Object>) ((Map<String, Object>)
                    page.evaluate("atriumTest.inboundStats(receiver)")).get("video");
            assertThat(video).containsEntry("frameWidth", 640).containsEntry("frameHeight", 480);
            assertThat(((Number) video.get("packetsReceived")).intValue()).isPositive();
            Object pair = page.evaluate("""
                    async () => { for (const r of (await receiver.getStats()).values())
                      if (r.type === 'candidate-pair' && r.state === 'succeeded') return r.localCandidateId; }""");
            Object address = page.evaluate("async id => (await receiver.getStats()).get(id).address", pair);
            assertThat(address).isEqualTo("127.0.0.1");
            Chromium.waitFor(page, "atriumTest.outboundStats(sender).then(s => s.video.framesEncoded > 10 || s)");
        }
    }
}
