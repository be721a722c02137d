package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When the SDK's retries are used up, the meeting page says so plainly (real Chromium, real Atrium):
 * the reconnect loop after the server went away (the SDK's 60 s window), and the connection-setup
 * retries when the browser's media connection can never be set up (two rejoins, then the end).
 */
class GivingUpBrowserTest {

    /** Answers lose their ICE candidates: this browser (ICE controlling) never finds a path to Atrium. */
    static final String NO_PATH = """
            (() => {
              const srd = RTCPeerConnection.prototype.setRemoteDescription;
              RTCPeerConnection.prototype.setRemoteDescription = function (d) {
                if (d?.type === 'answer') d = { type: 'answer', sdp: d.sdp.split('\\r\\n').filter(l => !l.startsWith('a=candidate')).join('\\r\\n') };
                return srd.call(this, d);
              };
            })();""";

    /** Records why the client reconnects, from the moment it exists. */
    private static void recordReconnects(Participant p) {
        p.page.evaluate("window.causes = []; atriumApp.client.addEventListener('reconnecting', e => causes.push(e.detail.cause))");
    }

    @Test
    void theReconnectLoopGivesUpWhenTheServerStaysAway() {
        TestServer server = TestServer.start(Db.H2);
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"gone\",\"open\":true}}").json().at("/room/uuid").asText();
        boolean stopped = false;
        try (Participant ann = Participant.open(server, "ann", "/room.html?room=" + room, false)) {
            ann.join("Ann");
            recordReconnects(ann);
            server.close();
            stopped = true;
            assertThat(ann.page.locator("#banner")).hasText("Connection lost — reconnecting…");
            // the SDK keeps trying for its reconnect window (60 s), then ends the call and says why
            Chromium.waitFor(ann.page, "!document.getElementById('ended').hidden || atriumApp.client.state", Duration.ofSeconds(150));
            assertThat(ann.page.locator("#ended-message")).hasText("The connection to the server was lost and could not be restored.");
            assertThat(ann.page.locator("#rejoin")).isVisible();
            assertThat((String) ann.page.evaluate("atriumApp.client.state")).isEqualTo("ended");
            assertThat(ann.page.evaluate("causes.length")).isEqualTo(1);
        } finally {
            if (!stopped) {
                server.close();
            }
        }
    }

    @Test
    void setupRetriesUsedUpEndTheCallWithoutBlamingThePerson() {
        TestServer server = TestServer.start(Db.H2);
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"no-path\",\"open\":true}}").json().at("/room/uuid").asText();
        try (Participant sam = Participant.open(server, "sam", "/room.html?room=" + room, false, NO_PATH)) {
            sam.join("Sam");
            recordReconnects(sam);
            // Atrium drops the member after its connect timeout (20 s) each time; the SDK rejoins twice, then gives up
            Chromium.waitFor(sam.page, "!document.getElementById('ended').hidden || atriumApp.client.state + ' ' + causes",
                    Duration.ofSeconds(180));
            assertThat(sam.page.locator("#ended-message")).hasText("A media connection to the server could not be set up."
                    + " A firewall may block it, or the network is too slow right now. Join again to retry.");
            assertThat(sam.page.evaluate("causes")).asList().containsExactly("connection-setup", "connection-setup");
            assertThat((String) sam.page.evaluate("atriumApp.client.publishPc.connectionState")).isNotEqualTo("connected");
        } finally {
            server.close();
        }
    }
}
