package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.DelayRelay;
import io.atrium.server.testing.TcpGate;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A participant whose signalling socket is gone gets its media back when the SDK rejoins by itself, both within
 * {@code rooms.reconnect_grace_seconds} (the seat and its media connections are kept) and after it (the seat is
 * gone: Atrium makes new media connections, with new ICE and DTLS sessions, which the browser must take up), and one
 * whose media path goes silent gets it back on a new connection before Atrium gives up its seat. Real Chromium (fake
 * camera and microphone), real Atrium. Ann's page reaches Atrium through a {@link TcpGate}, which cuts only her
 * WebSocket and holds her reconnect attempts: her media goes to Atrium's UDP port directly, untouched (but in the
 * silent-path case, where a {@link DelayRelay} carries it).
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

    /**
     * An init script that makes the page's first answer (the SDK's publish connection's) name one UDP candidate, the
     * relay at {@code relay} ('address port'), instead of Atrium's own ({@code atriumTest.viaRelay}).
     */
    private static String via(String relay) {
        return Chromium.helpersScript() + """
                (() => {
                  const set = RTCPeerConnection.prototype.setRemoteDescription;
                  let first = true;
                  RTCPeerConnection.prototype.setRemoteDescription = function (d) {
                    if (first && d?.type === 'answer') {
                      first = false;
                      d = { type: 'answer', sdp: atriumTest.viaRelay(d.sdp, '%s') };
                    }
                    return set.call(this, d);
                  };
                })();""".formatted(relay);
    }

    @RegisterExtension
    final Closer open = new Closer();

    private TestServer server;
    private String room;
    private TcpGate gate;
    private DelayRelay relay;
    private Participant ann;
    private Participant bob;
    private String annId;
    private String bobId;

    /** An Atrium that keeps seats for {@code graceSeconds}, a room, and the gate. */
    private void start(int graceSeconds) throws Exception {
        start(null, graceSeconds);
    }

    /** As {@link #start(int)}, with {@code rooms.media_timeout_seconds} (null: the default, 10). */
    private void start(Integer mediaTimeoutSeconds, int graceSeconds) throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-rejoin-"));
        // one media port, which a relay can front
        server = open.track(TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc().withMediaThreads(1), c.database(),
                c.auth(), new AtriumConfig.Rooms(mediaTimeoutSeconds, graceSeconds, null, null))));
        gate = open.track(new TcpGate(server.server().httpPort()));
        room = server.post("/v1/rooms", "{\"room\":{\"name\":\"rejoin\",\"open\":true}}").json().at("/room/uuid").asText();
    }

    /** Ann (behind the gate) and Bob in a meeting on an Atrium that keeps seats for {@code graceSeconds}, decoding each other. */
    private void meeting(int graceSeconds) throws Exception {
        start(graceSeconds);
        meeting("");
    }

    /**
     * As {@link #meeting(int)} on the Atrium {@link #start}ed, with a relay that carries Ann's publish connection: her
     * page's first answer names it as Atrium's one candidate ({@link #via}). The page keeps that connection as {@code first}.
     */
    private void meetingWithAnnsMediaRelayed() {
        relay = open.track(new DelayRelay(new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", server.server().media().ports().get(0))));
        meeting(via(relay.address().getAddress().getHostAddress() + " " + relay.address().getPort()));
        ann.page.evaluate("window.first = atriumApp.client.publishPc");
    }

    private void meeting(String annScript) {
        ann = open.track(Participant.open(URI.create("http://127.0.0.1:" + gate.port() + "/room.html?room=" + room), "ann", annScript));
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

    /**
     * Ann's publish connection reaches Atrium through a relay, which then drops everything, both ways and for good: her
     * path went silent, as on a network that stopped carrying it, while her WebSocket goes on. Chromium calls it ICE
     * {@code disconnected} after about 5 s and never {@code failed}; the SDK restarts ICE 2 s later, Atrium answers with
     * a new connection (to its own port: only the first answer names the relay), and her media reaches Bob again before
     * Atrium's media timeout (10 s) would have removed her: Bob never sees her leave. (Before the SDK acted on
     * {@code disconnected}, Atrium removed her and her call ended.)
     */
    @Test
    void aPublishPathThatGoesSilentIsRestartedBeforeAtriumGivesUpTheSeat() throws Exception {
        start(120);
        meetingWithAnnsMediaRelayed();
        relay.blackhole(true);
        Chromium.waitFor(ann.page, "atriumApp.client.publishPc !== first && atriumApp.client.publishPc.connectionState === 'connected'"
                + " || [atriumApp.client.state, atriumApp.client.publishPc.iceConnectionState]", Participant.MEDIA);
        annIsBackOnANewConnection();
    }

    /**
     * A network change under a call: Ann's WebSocket drops and her media path goes silent at once (the relay drops
     * everything for good). Her ICE is {@code disconnected} while she reconnects, so the rejoin itself restarts ICE:
     * once she has reconnected she is on a new publish connection (a rejoin that kept the dead one left her without
     * media until a restart after it). The media timeout is longer here, so that the time her reconnect waits at the
     * gate does not count against her.
     */
    @Test
    void aRejoinWhileThePathIsSilentRestartsIce() throws Exception {
        start(60, 120);
        meetingWithAnnsMediaRelayed();
        annAwayWhile(() -> {
            relay.blackhole(true);
            Chromium.waitFor(ann.page, "first.iceConnectionState === 'disconnected' || first.iceConnectionState", Participant.MEDIA);
            // nothing to wait for: the SDK's restart timer comes due while she is reconnecting, where it leaves the restart
            // to the rejoin
            Waits.sleep(2_500);
        });
        assertThat(ann.page.evaluate("atriumApp.client.publishPc !== first")).as("Ann rejoined on a new publish connection").isEqualTo(true);
        annIsBackOnANewConnection();
    }

    /** Ann's media flows both ways again, Bob never saw her leave, and the relayed connection is closed. */
    private void annIsBackOnANewConnection() {
        mediaFlowsBothWays();
        assertThat(bob.page.evaluate("JSON.stringify(seen)")).as("Bob saw Ann neither leave nor join again").isEqualTo("[]");
        assertThat(ann.callId()).isEqualTo(annId);
        assertThat(ann.page.evaluate("first.iceConnectionState")).as("the relayed connection, closed by the SDK").isEqualTo("closed");
    }
}

