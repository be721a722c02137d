package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * When the SDK's retries are used up, the meeting page says so plainly (real Chromium, real Atrium):
 * the reconnect loop after the server went away (the SDK's {@code reconnectWindowMs}, shortened here from
 * its 60 s default), and the connection-setup retries when the browser's media connection can never be
 * set up (two rejoins, each after Atrium's {@code rtc.connect_timeout_seconds} and {@code rooms.media_timeout_seconds},
 * shortened here; then the end).
 */
@ResourceLock(Chromium.LOCK)
class GivingUpBrowserTest {

    /** The SDK's reconnect window in this test; its default is 60 s. */
    static final int WINDOW_MS = 8_000;
    /** The longest pause between two reconnect attempts (rpc.js): the loop stops when the next one would pass the window. */
    static final int MAX_RETRY_DELAY_MS = 4_000;
    /** Atrium's connect timeout in this test; its default is 20 s. */
    static final int CONNECT_TIMEOUT_S = 2;
    /** Atrium's media timeout in this test (it starts when the connect timeout closed the peer); its default is 10 s. */
    static final int MEDIA_TIMEOUT_S = 2;

    /** Answers lose their ICE candidates: this browser (ICE controlling) never finds a path to Atrium. */
    static final String NO_PATH = """
            (() => {
              const srd = RTCPeerConnection.prototype.setRemoteDescription;
              RTCPeerConnection.prototype.setRemoteDescription = function (d) {
                if (d?.type === 'answer') d = { type: 'answer', sdp: d.sdp.split('\\r\\n').filter(l => !l.startsWith('a=candidate')).join('\\r\\n') };
                return srd.call(this, d);
              };
            })();""";

    /** Records why and when (ms since the page loaded) the client reconnects and ends, from the moment it exists. */
    private static void recordReconnects(Participant p) {
        p.page.evaluate("""
                window.causes = []; window.reconnectingAt = [];
                atriumApp.client.addEventListener('reconnecting', e => { causes.push(e.detail.cause); reconnectingAt.push(performance.now()); });
                atriumApp.client.addEventListener('ended', () => window.endedAt = performance.now());""");
    }

    private static double number(Participant p, String js) {
        return ((Number) p.page.evaluate(js)).doubleValue();
    }

    @Test
    void theReconnectLoopGivesUpWhenTheServerStaysAway() {
        TestServer server = TestServer.start(Db.H2);
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"gone\",\"open\":true}}").json().at("/room/uuid").asText();
        boolean stopped = false;
        try (Participant ann = Participant.open(server, "ann", "/room.html?room=" + room, false)) {
            ann.join("Ann");
            recordReconnects(ann);
            // reconnectWindowMs is read when a reconnect starts (a public SDK option; room.js keeps the default)
            ann.page.evaluate("atriumApp.client.reconnectWindowMs = " + WINDOW_MS);
            server.close();
            stopped = true;
            assertThat(ann.page.locator("#banner")).hasText("Connection lost — reconnecting…");
            // the SDK keeps trying for its reconnect window, then ends the call and says why
            Chromium.waitFor(ann.page, "!document.getElementById('ended').hidden || atriumApp.client.state", Duration.ofSeconds(150));
            // it gave up because the window was over (the last pause would have passed it), not sooner, and
            // by the window set, not the 60 s default
            double tried = number(ann, "endedAt - reconnectingAt[0]");
            assertThat(tried).isGreaterThanOrEqualTo(WINDOW_MS - MAX_RETRY_DELAY_MS).isLessThan(60_000 - MAX_RETRY_DELAY_MS);
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
    void setupRetriesUsedUpEndTheCallWithoutBlamingThePerson() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-giving-up-"));
        TestServer server = TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(),
                new AtriumConfig.Rtc(0, null, null, CONNECT_TIMEOUT_S), c.database(), c.auth(),
                new AtriumConfig.Rooms(MEDIA_TIMEOUT_S, null, null, null)));
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"no-path\",\"open\":true}}").json().at("/room/uuid").asText();
        try (Participant sam = Participant.open(server, "sam", "/room.html?room=" + room, false, NO_PATH)) {
            // recorded from the moment the client exists, well before its first removal (both timeouts after joining)
            sam.submitPrejoin("Sam");
            Chromium.waitFor(sam.page, "atriumApp.client != null");
            recordReconnects(sam);
            sam.inMeeting();
            // each time, Atrium closes the peer after its connect timeout and removes the member after its media
            // timeout; the SDK rejoins twice, then gives up
            Chromium.waitFor(sam.page, "!document.getElementById('ended').hidden || atriumApp.client.state + ' ' + causes",
                    Duration.ofSeconds(180));
            // each removal after a rejoin came no sooner than both timeouts after it; the page stamps each removal when
            // it handles it, so a loaded page stamps the first one late: 3,986 ms were seen at load 19 (allow 500 ms)
            int timeouts = (CONNECT_TIMEOUT_S + MEDIA_TIMEOUT_S) * 1000 - 500;
            assertThat(number(sam, "reconnectingAt[1] - reconnectingAt[0]")).isGreaterThanOrEqualTo(timeouts);
            assertThat(number(sam, "endedAt - reconnectingAt[1]")).isGreaterThanOrEqualTo(timeouts);
            assertThat(sam.page.locator("#ended-message")).hasText("A media connection to the server could not be set up."
                    + " A firewall may block it, or the network is too slow right now. Join again to retry.");
            assertThat(sam.page.evaluate("causes")).asList().containsExactly("connection-setup", "connection-setup");
            assertThat((String) sam.page.evaluate("atriumApp.client.publishPc.connectionState")).isNotEqualTo("connected");
        } finally {
            server.close();
        }
    }
}
