package io.atrium.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.ChildServer;
import io.atrium.server.testing.ClusterNodes;
import io.atrium.server.testing.ClusterNodes.Member;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.Waits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Draining a node (docs/SCALING.md): {@code POST /v1/cluster/drain} or SIGTERM stops new placements on it, its
 * live rooms stay until they end; on SIGTERM the node then stops, at once when its rooms ended, else after
 * {@code cluster.drain_timeout_seconds}, and the members of a room still live reconnect to another node.
 * Three nodes in this JVM, more in their own processes, on one Redis and PostgreSQL.
 */
class ClusterDrainTest {

    @RegisterExtension
    static final ClusterNodes cluster = new ClusterNodes("n1", "n2", "n3");
    TestServer n1;
    TestServer n2;
    TestServer n3;

    /** Where a new room is placed when asked for through a socket on the node listening on {@code port}. */
    String ownerOfANewRoom(int port) {
        String room = ClusterNodes.openRoom(n1, "new");
        try (RpcClient asker = cluster.socket(port)) {
            asker.call("authenticate", Map.of("room", room, "call_id", "asker"));
            return cluster.owner(room); // read while the room is live (its lease goes once it empties)
        }
    }

    static boolean draining(TestServer seenBy, String node) {
        NodeInfo info = ClusterNodes.of(seenBy).nodes().get(node);
        return info != null && info.draining();
    }

    @Test
    void aDrainingNodeGetsNoNewRoomsAndKeepsItsLiveOnesUntilTheyEnd() {
        String live = ClusterNodes.openRoom(n1, "live");
        Member first = cluster.join(n1, live, "first");
        String d = cluster.owner(live);
        TestServer drainer = cluster.node(d);
        List<TestServer> others = Stream.of(n1, n2, n3).filter(n -> n != drainer).toList();
        List<String> otherIds = others.stream().map(o -> ClusterNodes.of(o).id()).toList();

        assertThat(drainer.send("POST", "/v1/cluster/drain", "", null).status()).as("behind the API key").isEqualTo(401);
        TestServer.Response drained = drainer.post("/v1/cluster/drain", "");
        assertThat(drained.status()).isEqualTo(200);
        assertThat(drained.json().get("node").asText()).isEqualTo(d);
        assertThat(drained.json().get("draining").asBoolean()).isTrue();
        assertThat(drained.json().get("rooms").asInt()).as("its live rooms").isPositive();
        for (TestServer other : others) {
            Waits.waitUntil(() -> draining(other, d), ClusterNodes.of(other).id() + " sees " + d + " draining");
        }
        JsonNode listed = others.get(0).get("/v1/cluster/nodes").json();
        assertThat(listed.get("node").asText()).isEqualTo(ClusterNodes.of(others.get(0)).id());
        assertThat(listed.get("nodes").findValuesAsText("id")).contains("n1", "n2", "n3");

        for (int i = 0; i < 4; i++) {
            assertThat(ownerOfANewRoom(drainer.server().httpPort())).as("a new room asked for at the draining node goes elsewhere")
                    .isIn(otherIds);
        }
        // the live room stays where it is: a later member (through another node) meets the first one there
        Member second = cluster.join(others.get(0), live, "second");
        assertThat(cluster.owner(live)).isEqualTo(d);
        assertThat(second.rpc().call("get_room_members", Map.of()).toString()).contains("first");
        // the room ends: its lease goes, and its next first join places it on a node that takes rooms
        leave(first);
        leave(second);
        Waits.waitUntil(() -> cluster.redis().cli("EXISTS", "atrium:room:" + live).equals("0"), "the ended room's lease released");
        Member third = cluster.join(drainer, live, "third");
        assertThat(cluster.owner(live)).isIn(otherIds);
        leave(third);

        TestServer.Response back = drainer.delete("/v1/cluster/drain");
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.json().get("draining").asBoolean()).isFalse();
        Waits.waitUntil(() -> !draining(others.get(0), d), d + " takes rooms again");
        // with the two others draining, the one that stopped draining is where new rooms go
        others.forEach(o -> o.post("/v1/cluster/drain", ""));
        Waits.waitUntil(() -> others.stream().allMatch(o -> draining(drainer, ClusterNodes.of(o).id())), "the others draining");
        assertThat(ownerOfANewRoom(others.get(1).server().httpPort())).isEqualTo(d);
        others.forEach(o -> o.delete("/v1/cluster/drain"));
    }

    static void leave(Member m) {
        m.rpc().call("leave_room", Map.of());
        m.rpc().close();
    }

    @Test
    void withoutAClusterTheEndpointsSayWhy() {
        try (TestServer single = TestServer.start(TestServer.Db.H2)) {
            TestServer.Response r = single.post("/v1/cluster/drain", "");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).contains("this node is not in a cluster (cluster.redis_url is not set)");
            assertThat(single.get("/v1/cluster/nodes").status()).isEqualTo(404);
        }
    }

    @Test
    void sigtermWaitsForTheNodesRoomsToEndThenStops() throws Exception {
        ChildServer n5 = cluster.child("n5", Map.of("ATRIUM_CLUSTER_DRAIN_TIMEOUT_SECONDS", "300"));
        String room = ClusterNodes.openRoom(n1, "on n5");
        RpcClient holder = cluster.socket(n5.port());
        holder.call("authenticate", Map.of("room", room, "call_id", "holder"));
        assertThat(cluster.owner(room)).isEqualTo("n5");
        Member member = cluster.join(n2, room, "relayed");

        n5.terminate();
        Waits.waitUntil(() -> draining(n1, "n5"), "n5 draining after SIGTERM", Duration.ofSeconds(20));
        // while it drains it runs its room (relayed calls are answered), and new rooms go elsewhere
        assertThat(member.rpc().call("get_room_members", Map.of()).toString()).contains("relayed");
        assertThat(ownerOfANewRoom(n5.port())).isIn("n1", "n2", "n3");
        assertThat(n5.exited()).as("a live room holds the stop").isNotDone();

        long ended = System.nanoTime();
        leave(member);
        holder.close();
        n5.exited().get(60, TimeUnit.SECONDS);
        long stoppedMillis = (System.nanoTime() - ended) / 1_000_000;
        System.out.printf("SIGTERM: n5 drained and stopped %d ms after its last room ended%n", stoppedMillis);
        assertThat(stoppedMillis).as("not the 300 s drain timeout").isLessThan(60_000);
    }

    @Test
    void sigtermStopsAfterTheDrainTimeoutAndTheMembersOfALiveRoomMoveOn() throws Exception {
        ChildServer n6 = cluster.child("n6", Map.of("ATRIUM_CLUSTER_DRAIN_TIMEOUT_SECONDS", "5"));
        String room = ClusterNodes.openRoom(n1, "stays live");
        cluster.socket(n6.port()).call("authenticate", Map.of("room", room, "call_id", "holder"));
        assertThat(cluster.owner(room)).isEqualTo("n6");
        Member member = cluster.join(n2, room, "moves");
        member.rpc().call("send_chat_message", Map.of("text", "before the drain"));

        long signalled = System.nanoTime();
        n6.terminate();
        n6.exited().get(60, TimeUnit.SECONDS);
        long stoppedMillis = (System.nanoTime() - signalled) / 1_000_000;
        assertThat(stoppedMillis).as("the room stayed live: the node waited out drain_timeout_seconds").isGreaterThanOrEqualTo(5_000);
        member.rpc().closed.get(30, TimeUnit.SECONDS);
        Member back = cluster.rejoin(n2.server().httpPort(), member.token());
        long backMillis = (System.nanoTime() - signalled) / 1_000_000;
        assertThat(cluster.owner(room)).isIn("n1", "n2", "n3");
        assertThat(back.rpc().call("get_chat_history", Map.of()).toString()).contains("before the drain");
        System.out.printf("SIGTERM with a live room: n6 stopped after %d ms (timeout 5 s), its member joined again on %s after %d ms%n",
                stoppedMillis, cluster.owner(room), backMillis);
        leave(back);
    }
}
