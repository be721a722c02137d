package io.atrium.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.ChildServer;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.ClusterNodes;
import io.atrium.server.testing.TestServer;
import io.atrium.server.web.Participant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Real Chromium pages on different nodes of one cluster (docs/SCALING.md): the web app's participants on two
 * nodes in two processes (one of its own, and this JVM) meet in one room on a third process and decode each
 * other, and meet again on another node when that process is killed; the WHEP player page plays a room
 * through a node that does not run it. Two nodes in this JVM (and two in their own) on one Redis and PostgreSQL.
 */
@ResourceLock(Chromium.LOCK)
class ClusterBrowserTest {

    @RegisterExtension
    static final ClusterNodes cluster = new ClusterNodes("n1", "n2");

    Participant participant(ChildServer node, String label, String room) {
        return cluster.closing(Participant.open(node.uri("/room.html?room=" + room), label));
    }

    /** The room's media counters, asked of n1 (answered by the node that runs the room). */
    JsonNode publishers(String room) {
        return cluster.node("n1").get("/v1/rooms/" + room + "/media").json().at("/media/publishers");
    }

    @Test
    void theWhepPlayerPageOnANodeThatDoesNotOwnTheRoomPlaysIt() {
        TestServer n2 = cluster.node("n2");
        String room = n2.createRoom("played across nodes");
        Page publisher = cluster.closing(Chromium.newPage("whip-publisher"));
        Chromium.installHelpers(publisher);
        publisher.navigate(n2.uri("/").toString());
        publisher.evaluate("([room, token]) => atriumTest.whip(room, token).then(pc => { window.pc = pc; })",
                List.of(room, n2.token(room, "")));
        String owner = cluster.owner(room);
        TestServer asked = cluster.node(Stream.of("n1", "n2").filter(id -> !id.equals(owner)).findFirst().orElseThrow());
        String token = n2.token(room, "");
        int before = asked.server().media().peerCount(); // other tests' members may still be there

        // the page's CSP allows only its own origin, and a redirect would lose the token: the node asked relays
        Page player = cluster.closing(Chromium.newPage("whep-player-across"));
        Chromium.installHelpers(player);
        player.navigate(asked.uri("/play.html?room=" + room + "#token=" + token).toString());
        Chromium.waitFor(player, "window.atriumPlayer !== undefined || document.getElementById('status').textContent", Participant.MEDIA);
        player.evaluate("window.pc = window.atriumPlayer");
        Chromium.waitFor(player, "atriumTest.inboundStats(pc).then(s => (s.video.framesDecoded > 20 && s.audio.packetsReceived > 0) || s)",
                Participant.MEDIA);
        assertThat(asked.server().media().peerCount()).as("no peer on the node asked: the media goes to the owner, %s", owner).isLessThanOrEqualTo(before);
        String session = (String) player.evaluate("pc.sessionUrl");
        assertThat(session).as("a path on the page's own origin").startsWith("/whep/" + room + "/");
        Object ended = player.evaluate("([url, token]) => fetch(url, {method: 'DELETE', headers: {Authorization: 'Bearer ' + token}})"
                + ".then(r => r.status)", List.of(session, token));
        assertThat(ended).as("the session's end, relayed to the owner").isEqualTo(200);
        Chromium.waitFor(player, "document.getElementById('status').textContent.includes('lost') || pc.connectionState", Participant.MEDIA);
    }

    @Test
    void participantsOnTwoProcessesMeetOnAThirdAndKillingItCostsAReconnectNotTheMeeting() {
        ChildServer n4 = cluster.child("n4");
        ChildServer n5 = cluster.child("n5");
        String room = ClusterNodes.openRoom(cluster.node("n1"), "three processes");
        // a socket on n4 places the room there (an idle node is chosen by whoever asks) and keeps it live
        cluster.socket(n4.port()).call("authenticate", Map.of("room", room, "call_id", "holder"));
        assertThat(cluster.owner(room)).isEqualTo("n4");

        Participant ann = participant(n5, "ann-n5", room).join("Ann");
        Participant bob = cluster.closing(Participant.open(cluster.node("n1").uri("/room.html?room=" + room), "bob-n1")).join("Bob");
        String annId = ann.callId();
        String bobId = bob.callId();
        ann.waitForGrowth(bobId, "video", "framesDecoded", 10, Participant.MEDIA);
        bob.waitForGrowth(annId, "video", "framesDecoded", 10, Participant.MEDIA);
        bob.waitForGrowth(annId, "audio", "packetsReceived", 20, Participant.MEDIA);
        assertThat(publishers(room)).as("both publish to n4, not to the nodes of their sockets").hasSize(2);
        Chromium.screenshot(bob.page, "cluster-bob-on-n1");
        // a receive-only member (the SDK's join({receiveOnly: true}), as a live stream's viewer) on n2
        Page viewer = cluster.closing(Chromium.newPage("receive-only-n2"));
        Chromium.installHelpers(viewer);
        viewer.navigate(cluster.node("n2").uri("/").toString());
        viewer.evaluate("([room, token]) => import('/atrium.js').then(async ({ AtriumClient }) => {"
                + " const c = new AtriumClient({ room }); c.useToken(token); window.drops = 0;"
                + " c.addEventListener('reconnecting', () => window.drops++); await c.join({ receiveOnly: true }); window.viewer = c; })",
                List.of(room, cluster.node("n1").token(room, "\"name\": \"Vera\", \"grants\": {\"publish\": false}")));
        Chromium.waitFor(viewer, "atriumTest.inboundStats(viewer.receivePc).then(s => s.video.framesDecoded > 10 || s)", Participant.MEDIA);
        viewer.evaluate("window.firstPc = viewer.receivePc");
        ann.page.evaluate("atriumApp.client.sendChat('before the crash')");
        for (Participant p : List.of(ann, bob)) {
            p.page.evaluate("window.drops = 0; atriumApp.client.addEventListener('reconnecting', () => window.drops++)");
        }

        long killed = System.nanoTime();
        n4.kill();
        for (Participant p : List.of(ann, bob)) {
            Chromium.waitFor(p.page, "window.drops > 0 || atriumApp.client.state", Participant.MEDIA);
            Chromium.waitFor(p.page, "atriumApp.client.state === 'joined' || atriumApp.client.state", Participant.MEDIA);
        }
        String owner = cluster.owner(room);
        assertThat(owner).as("the room was placed again on a live node").isIn("n1", "n2", "n5");
        // each publishes and receives on new connections to the new owner, and decodes the other there
        ann.waitForGrowth(bobId, "video", "framesDecoded", 10, Participant.MEDIA);
        bob.waitForGrowth(annId, "video", "framesDecoded", 10, Participant.MEDIA);
        long backMillis = (System.nanoTime() - killed) / 1_000_000;
        // the receive-only member rejoined through n2 and decodes on a new connection to the new owner
        Chromium.waitFor(viewer, "window.drops > 0 && viewer.state === 'joined' || viewer.state", Participant.MEDIA);
        Chromium.waitFor(viewer, "viewer.receivePc && viewer.receivePc !== window.firstPc"
                + " ? atriumTest.inboundStats(viewer.receivePc).then(s => s.video.framesDecoded > 10 || s) : 'the old connection'",
                Participant.MEDIA);
        long viewerMillis = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("SIGKILL of the owner: both participants decode each other again on %s after %d ms, the receive-only"
                + " member after %d ms%n", owner, backMillis, viewerMillis);
        assertThat(backMillis).as("the bound of docs/SCALING.md: sockets closed within node_ttl + 2 heartbeats (5 s), the SDK's"
                + " first retries, new connections; slack for a loaded machine").isLessThan(30_000);
        assertThat(publishers(room)).as("the media is on the new owner").hasSize(2);
        Object history = bob.page.evaluate("atriumApp.client.chatHistory().then(m => m.map(x => x.text))");
        assertThat(history.toString()).as("chat history is in PostgreSQL").contains("before the crash");
    }
}
