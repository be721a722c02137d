package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Flows that broke for real people (issue 18): joining before the device preview is ready, a slow
 * connection setup, and receive renegotiations when people come, go and share. Real Chromium pages.
 */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JoinFlowsBrowserTest {

    /**
     * getUserMedia answers only once the test calls {@code releaseDevices()}, as while a permission prompt is pending
     * (a gate, not a delay, so a loaded machine cannot let the devices arrive first); every track it gave is kept.
     */
    static final String SLOW_DEVICES = """
            (() => {
              const md = navigator.mediaDevices, gum = md.getUserMedia.bind(md);
              window.gumTracks = [];
              const ready = new Promise(r => window.releaseDevices = r);
              md.getUserMedia = async c => {
                await ready;
                const s = await gum(c);
                window.gumTracks.push(...s.getTracks());
                return s;
              };
            })();""";

    /**
     * Atrium's connect and media timeouts for the slow setup (defaults 20 s and 10 s), and how late its answer is
     * applied: after the connect timeout closed the peer, before the media timeout that follows removes the
     * member (the join has then completed, and the SDK retries the setup), with 4 s to spare on either side.
     */
    static final int CONNECT_TIMEOUT_S = 6;
    static final int MEDIA_TIMEOUT_S = 8;
    static final int SETUP_DELAY_MS = 10_000;

    /** The first remote answer (the publish connection's) is applied {@link #SETUP_DELAY_MS} late: ICE and DTLS start late. */
    static final String SLOW_SETUP = """
            (() => {
              let first = true;
              const srd = RTCPeerConnection.prototype.setRemoteDescription;
              RTCPeerConnection.prototype.setRemoteDescription = async function (d) {
                if (first && d?.type === 'answer') { first = false; await new Promise(r => setTimeout(r, %d)); }
                return srd.call(this, d);
              };
            })();""".formatted(SETUP_DELAY_MS);

    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String openRoom(String name) {
        return openRoom(server, name);
    }

    private static String openRoom(TestServer server, String name) {
        return server.post("/v1/rooms", "{\"room\":{\"name\":\"" + name + "\",\"open\":true}}").json().at("/room/uuid").asText();
    }

    @Test
    void joiningBeforeThePreviewIsReadyAttachesTheDevicesWhenTheyArrive() {
        String room = openRoom("fast-join");
        try (Participant ann = Participant.open(server, "ann", "/room.html?room=" + room, false);
             Participant fay = Participant.open(server, "fay", "/room.html?room=" + room, false, SLOW_DEVICES)) {
            ann.join("Ann");
            // Fay types her name and joins at once, while the browser still asks for the devices
            fay.page.locator("#prejoin-form [name=name]").fill("Fay");
            fay.page.locator("#join-button").click();
            fay.inMeeting();
            assertThat((Number) fay.page.evaluate("gumTracks.length")).as("devices granted before Fay was in the meeting")
                    .isEqualTo(0);
            fay.page.evaluate("releaseDevices()");
            Chromium.waitFor(fay.page, "!!(atriumApp.client.local.tracks.audio && atriumApp.client.local.tracks.video)"
                    + " || JSON.stringify(atriumApp.client.local.tracks)", Participant.MEDIA);
            assertThat(fay.page.locator("#mic")).isEnabled();
            assertThat(fay.page.locator("#cam")).isEnabled();
            assertThat(fay.page.locator("#mic")).hasAttribute("aria-pressed", "false"); // joined unmuted, as the prejoin said
            ann.seesVideoOf(fay.callId());
            ann.waitForGrowth(fay.callId(), "audio", "packetsReceived", 20, Participant.MEDIA);

            fay.page.locator("#cam").click();
            assertThat(ann.tile(fay.callId())).hasClass(java.util.regex.Pattern.compile("video-off"));
            fay.page.locator("#cam").click();
            assertThat(ann.tile(fay.callId())).not().hasClass(java.util.regex.Pattern.compile("video-off"));
            // the preview holds nothing: every device track is the call's or stopped
            Chromium.waitFor(fay.page, "document.getElementById('preview').srcObject === null && gumTracks.every(t =>"
                    + " t.readyState === 'ended' || Object.values(atriumApp.client.local.tracks).includes(t))"
                    + " || JSON.stringify(gumTracks.map(t => t.kind + ':' + t.readyState))", Participant.MEDIA);
        }
    }

    @Test
    void aSlowConnectionSetupIsNotEndedAsMissingMedia() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-slow-setup-"));
        try (TestServer slow = TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(),
                new AtriumConfig.Rtc(0, null, null, CONNECT_TIMEOUT_S), c.database(), c.auth(),
                new AtriumConfig.Rooms(MEDIA_TIMEOUT_S, null, null, null)))) {
            String room = openRoom(slow, "slow-setup");
            try (Participant ann = Participant.open(slow, "ann", "/room.html?room=" + room, false);
                 Participant sam = Participant.open(slow, "sam", "/room.html?room=" + room, false, SLOW_SETUP)) {
                ann.submitPrejoin("Ann");
                sam.submitPrejoin("Sam");
                ann.inMeeting();
                // longer than Atrium's connect timeout: Sam is not blamed, the SDK sets the connection up again by
                // itself and the call goes on
                Chromium.waitFor(sam.page, "atriumApp.client?.state === 'joined' && atriumApp.client.publishPc.connectionState === 'connected'"
                        + " || atriumApp.client?.state + ' ' + atriumApp.client?.publishPc?.connectionState + ' '"
                        + " + document.getElementById('ended-message').textContent", Duration.ofSeconds(120));
                assertThat(sam.page.locator("#meeting")).isVisible();
                Participant.seeEachOther(List.of(ann, sam));
            }
        }
    }

    /** SDK clients in one page: join, leave, share; everything that renegotiates the receive connection. */
    static final String CLIENTS = """
            async room => {
              const { AtriumClient } = await import('/atrium.js');
              window.errors = [];
              window.clients = {};
              window.joinAs = async name => {
                const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
                const c = new AtriumClient({ room, simulcast: false });
                c.addEventListener('error', e => errors.push(name + ' ' + e.detail.during + ': ' + e.detail.error));
                await c.connect();
                await c.authenticate({ displayName: name });
                await c.join({ audioTrack: media.getAudioTracks()[0], videoTrack: media.getVideoTracks()[0] });
                clients[name] = c;
                return c.callId;
              };
              window.decodes = async (who, of, kind) => {
                const id = clients[of].callId;
                const s = await clients[who].memberStats(id);
                return s[kind].framesDecoded > 5 || `${who} from ${of}: ${JSON.stringify(s[kind])} ${errors}`;
              };
            }""";

    @Test
    void peopleComingGoingAndSharingRenegotiateWithoutErrors() {
        String room = openRoom("churn");
        Page page = Chromium.newPage("churn");
        List<String> warnings = new CopyOnWriteArrayList<>();
        page.onConsoleMessage(m -> {
            if (m.text().contains("failed")) {
                warnings.add(m.text());
            }
        });
        try (page) {
            page.navigate(server.uri("/").toString());
            page.evaluate(CLIENTS, room);
            for (String name : List.of("A", "B", "C")) {
                page.evaluate("n => joinAs(n)", name);
            }
            waitDecodes(page, "A", "B", "video");
            waitDecodes(page, "A", "C", "video");
            page.evaluate("clients.B.leave()");
            Chromium.waitFor(page, "clients.A.members.size === 1 || clients.A.members.size", Participant.MEDIA);
            page.evaluate("n => joinAs(n)", "D"); // the fourth person, into the slot B left
            waitDecodes(page, "A", "D", "video");
            page.evaluate("n => joinAs(n)", "E");
            waitDecodes(page, "A", "E", "video");
            page.evaluate("navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } })"
                    + ".then(s => clients.C.startScreenShare(s.getVideoTracks()[0]))");
            waitDecodes(page, "A", "C", "screen");
            waitDecodes(page, "D", "C", "screen");
            waitDecodes(page, "C", "E", "video");
            assertThat(page.evaluate("errors")).asList().isEmpty();
            assertThat(warnings).isEmpty();
        }
    }

    private static void waitDecodes(Page page, String who, String of, String kind) {
        Chromium.waitFor(page, "decodes('" + who + "', '" + of + "', '" + kind + "')", Participant.MEDIA);
    }
}
