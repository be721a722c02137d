package io.atrium.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.ClusterNodes;
import io.atrium.server.testing.TestServer;
import io.atrium.server.web.Participant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real Chromium pages on different nodes of one cluster (docs/SCALING.md): the web app's participants on two
 * nodes meet in one room on its owner and decode each other. Three nodes in this JVM on one Redis and PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterBrowserTest {

    ClusterNodes cluster;
    TestServer n1;
    TestServer n2;
    TestServer n3;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    void start() {
        cluster = new ClusterNodes();
        n1 = cluster.node("n1");
        n2 = cluster.node("n2");
        n3 = cluster.node("n3");
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        cluster.close();
    }

    String openRoom(TestServer node) {
        return node.post("/v1/rooms", "{\"room\": {\"name\": \"across\", \"open\": true}}").json().at("/room/uuid").asText();
    }

    Participant participant(TestServer node, String label, String room) {
        Participant p = Participant.open(node, label, "/room.html?room=" + room, false);
        open.add(p);
        return p;
    }

    @Test
    void participantsOnDifferentNodesMeetOnTheOwnerAndDecodeEachOther() {
        String room = openRoom(n3);
        Participant ann = participant(n1, "ann-n1", room).join("Ann");
        assertThat(cluster.redis.cli("GET", "atrium:room:" + room)).as("an idle cluster keeps the room where Ann came in")
                .isEqualTo("n1");
        Participant bob = participant(n2, "bob-n2", room).join("Bob");
        String annId = ann.callId();
        String bobId = bob.callId();
        ann.waitForGrowth(bobId, "video", "framesDecoded", 10, Participant.MEDIA);
        bob.waitForGrowth(annId, "video", "framesDecoded", 10, Participant.MEDIA);
        bob.waitForGrowth(annId, "audio", "packetsReceived", 20, Participant.MEDIA);
        assertThat(n2.server().media().peerCount()).as("Bob's media goes to the owner, not to the node of his socket").isZero();
        assertThat(n1.server().media().peerCount()).isGreaterThanOrEqualTo(4); // two peer connections each
        Chromium.screenshot(bob.page, "cluster-bob-on-n2");
    }

    @Test
    void killingTheOwnerCostsAReconnectNotTheMeeting() {
        io.atrium.server.testing.ChildServer n4 = cluster.child("n4");
        io.atrium.server.testing.Waits.waitUntil(() -> ClusterNodes.of(n1).nodes().containsKey("n4"), "n4 listed",
                java.time.Duration.ofSeconds(30));
        String room = openRoom(n1);
        // a socket on n4 places the room there (an idle node is chosen by whoever asks) and keeps it live
        io.atrium.server.testing.RpcClient holder = new io.atrium.server.testing.RpcClient(
                java.net.URI.create("ws://127.0.0.1:" + n4.port() + "/v1/rtc"));
        open.add(holder);
        holder.call("authenticate", java.util.Map.of("room", room, "call_id", "holder"));
        assertThat(cluster.redis.cli("GET", "atrium:room:" + room)).isEqualTo("n4");

        Participant ann = participant(n1, "ann-fail", room).join("Ann");
        ann.page.onConsoleMessage(m -> System.out.println("ann console: " + m.text()));
        Participant bob = participant(n2, "bob-fail", room).join("Bob");
        String annId = ann.callId();
        String bobId = bob.callId();
        ann.waitForGrowth(bobId, "video", "framesDecoded", 10, Participant.MEDIA);
        bob.waitForGrowth(annId, "video", "framesDecoded", 10, Participant.MEDIA);
        ann.page.evaluate("atriumApp.client.sendChat('before the crash')");
        ann.page.evaluate("window.drops = 0; atriumApp.client.addEventListener('reconnecting', () => window.drops++)");
        bob.page.evaluate("window.drops = 0; atriumApp.client.addEventListener('reconnecting', () => window.drops++)");

        long killed = System.nanoTime();
        n4.kill();
        for (Participant p : List.of(ann, bob)) {
            Chromium.waitFor(p.page, "window.drops > 0 || atriumApp.client.state", Participant.MEDIA);
            Chromium.waitFor(p.page, "atriumApp.client.state === 'joined' || atriumApp.client.state", Participant.MEDIA);
        }
        String owner = cluster.redis.cli("GET", "atrium:room:" + room);
        assertThat(owner).as("the room was placed again on a live node").isIn("n1", "n2", "n3");
        Chromium.waitFor(ann.page, "atriumApp.client.memberStats('" + bobId + "').then(s => s.video.framesDecoded > 10 || "
                + "({v: s.video, pub: atriumApp.client.publishPc.connectionState, recv: atriumApp.client.receivePc?.connectionState,"
                + " slots: atriumApp.client._slots.size, members: atriumApp.client.members.size, state: atriumApp.client.state}))",
                Participant.MEDIA);
        bob.waitForGrowth(annId, "video", "framesDecoded", 10, Participant.MEDIA);
        long backMillis = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("SIGKILL of the owner: both participants decode each other again on %s after %d ms%n", owner, backMillis);
        Object history = bob.page.evaluate("atriumApp.client.chatHistory().then(m => m.map(x => x.text))");
        assertThat(history.toString()).as("chat history is in PostgreSQL").contains("before the crash");
    }

    TestServer node(String id) {
        return switch (id) {
            case "n1" -> n1;
            case "n2" -> n2;
            default -> n3;
        };
    }
}
