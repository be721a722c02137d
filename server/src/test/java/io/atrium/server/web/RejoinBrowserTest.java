package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.TcpGate;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A participant whose signalling socket is gone gets its media back when the SDK rejoins by itself, both within
 * {@code rooms.reconnect_grace_seconds} (the seat and its media connections are kept) and after it (the seat is
 * gone: Atrium makes new media connections, with new ICE and DTLS sessions, which the browser must take up). Real
 * Chromium (fake camera and microphone), real Atrium. Ann's page reaches Atrium through a {@link TcpGate}, which cuts
 * only her WebSocket and holds her reconnect attempts: her media goes to Atrium's UDP port directly, untouched.
 */
@ResourceLock(Chromium.LOCK)
class RejoinBrowserTest {

    /** Records a page's {@code memberleave} and {@code memberjoin} events in {@code seen}, and counts its {@code reconnected} ones. */
    private static final String RECORD = """
            window.seen = [];
            for (const type of ['memberleave', 'memberjoin']) {
              atriumApp.client.addEventListener(type, e => seen.push(type + ' ' + e.detail.member.id));
            }
            window.reconnects = 0;
            atriumApp.client.addEventListener('reconnected', () => reconnects++);""";

    @RegisterExtension
    final Closer open = new Closer();

    private TestServer server;
    private String room;
    private TcpGate gate;
    private Participant ann;
    private Participant bob;
    private String annId;
    private String bobId;

    /** An Atrium that keeps seats for {@code graceSeconds}, a room, and the gate. */
    private void start(int graceSeconds) throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-rejoin-"));
        server = open.track(TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(null, graceSeconds, null, null))));
        gate = open.track(new TcpGate(server.server().httpPort()));
        room = server.post("/v1/rooms", "{\"room\":{\"name\":\"rejoin\",\"open\":true}}").json().at("/room/uuid").asText();
    }

    /** Ann (behind the gate) and Bob in a meeting on an Atrium that keeps seats for {@code graceSeconds}, decoding each other. */
    private void meeting(int graceSeconds) throws Exception {
        start(graceSeconds);
        ann = open.track(Participant.open(URI.create("http://127.0.0.1:" + gate.port() + "/room.html?room=" + room), "ann"));
        bob = open.track(Participant.open(server, "bob", "/room.html?room=" + room, false));
        Participant.joinTogether(List.of(ann, bob), "Ann", "Bob");
        annId = ann.callId();
        bobId = bob.callId();
        Participant.seeEachOther(List.of(ann, bob));
        ann.page.evaluate(RECORD);
        bob.page.evaluate(RECORD);
    }

    /** Ann's socket drops and her reconnect waits at the gate; it goes on once {@code meanwhile} has run. */
    private void annAwayWhile(Runnable meanwhile) throws InterruptedException {
        awayWhile(ann.page, "atriumApp.client", meanwhile);
        assertThat(ann.callId()).isEqualTo(annId);
        assertThat(ann.page.locator("#banner")).isHidden();
    }

    /**
     * The socket of the one page behind the gate drops and its reconnect waits at the gate; it goes on once
     * {@code meanwhile} has run, and the page's {@code client} (an expression) has reconnected.
     */
    private void awayWhile(Page page, String client, Runnable meanwhile) throws InterruptedException {
        gate.hold();
        gate.cut();
        gate.awaitWaiting(1, Chromium.PATIENCE);
        Chromium.waitFor(page, client + ".state === 'reconnecting' || " + client + ".state");
        meanwhile.run();
        gate.release();
        Chromium.waitFor(page, "reconnects === 1 && " + client + ".state === 'joined' || " + client + ".state", Participant.MEDIA);
    }

    /** Waits until the SDK client {@code viewer} on {@code page} decodes more than 10 new video frames of {@code member}. */
    private static void decodes(Page page, String member) {
        Number mark = (Number) page.evaluate("id => viewer.memberStats(id).then(s => s.video.framesDecoded)", member);
        Chromium.waitFor(page, "viewer.memberStats('" + member + "').then(s => s.video.framesDecoded > " + (mark.longValue() + 10)
                + " || s.video)", Participant.MEDIA);
    }

    /** Each decodes new video frames of the other and receives new audio packets from the other. */
    private void mediaFlowsBothWays() {
        Participant.seeEachOther(List.of(ann, bob));
        ann.waitForGrowth(bobId, "audio", "packetsReceived", 50, Participant.MEDIA);
        bob.waitForGrowth(annId, "audio", "packetsReceived", 50, Participant.MEDIA);
    }

    @Test
    void aRejoinAfterTheGraceGetsMediaBothWays() throws Exception {
        meeting(2);
        // away until Atrium gave up her seat: Bob saw her leave
        annAwayWhile(() -> Chromium.waitFor(bob.page, "seen.includes('memberleave " + annId + "') || JSON.stringify(seen)",
                Participant.MEDIA));
        Chromium.waitFor(bob.page, "seen.includes('memberjoin " + annId + "') || JSON.stringify(seen)", Participant.MEDIA);
        assertThat(bob.tile(annId)).isVisible();
        assertThat(ann.tile(bobId)).isVisible();
        mediaFlowsBothWays();
    }

    @Test
    void aReceiveOnlyMemberRejoiningAfterTheGraceReceivesAgain() throws Exception {
        start(2);
        bob = open.track(Participant.open(server, "bob", "/room.html?room=" + room, false)).join("Bob");
        bobId = bob.callId();
        bob.page.evaluate(RECORD);
        // Vera only receives (the SDK's join({receiveOnly: true}), as a live stream's viewer): she has no publish
        // connection, and learns that Atrium's side is new from her receive connection's answer
        Page vera = open.track(Chromium.newPage("vera"));
        vera.navigate("http://127.0.0.1:" + gate.port() + "/");
        vera.evaluate("([room, token]) => import('/atrium.js').then(async ({ AtriumClient }) => {"
                + " const c = new AtriumClient({ room }); c.useToken(token); window.reconnects = 0;"
                + " c.addEventListener('reconnected', () => reconnects++); await c.join({ receiveOnly: true }); window.viewer = c; })",
                List.of(room, server.token(room, "\"name\": \"Vera\", \"grants\": {\"publish\": false}")));
        String veraId = (String) vera.evaluate("viewer.callId");
        decodes(vera, bobId);

        awayWhile(vera, "viewer", () -> Chromium.waitFor(bob.page, "seen.includes('memberleave " + veraId + "')"
                + " || JSON.stringify(seen)", Participant.MEDIA));
        Chromium.waitFor(bob.page, "seen.includes('memberjoin " + veraId + "') || JSON.stringify(seen)", Participant.MEDIA);
        decodes(vera, bobId);
    }

    @Test
    void aRejoinWithinTheGraceKeepsTheSeatAndTheMedia() throws Exception {
        meeting(120);
        ann.page.evaluate("window.connections = [atriumApp.client.publishPc, atriumApp.client.receivePc]");
        annAwayWhile(() -> { });
        mediaFlowsBothWays();
        assertThat(bob.page.evaluate("JSON.stringify(seen)")).as("Bob saw Ann neither leave nor join again").isEqualTo("[]");
        assertThat(ann.page.evaluate("connections[0] === atriumApp.client.publishPc && connections[1] === atriumApp.client.receivePc"))
                .as("Ann kept both media connections").isEqualTo(true);
    }
}
