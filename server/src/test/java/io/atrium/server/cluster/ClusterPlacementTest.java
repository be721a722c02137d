package io.atrium.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.ChildServer;
import io.atrium.server.testing.ClusterNodes;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three Atrium nodes in this JVM (each its own server, ports and media plane) and one in its own process, on
 * one real Redis and one PostgreSQL: the registry lists the live nodes, racing first joins place a room on
 * exactly one node, a node that stops heartbeating (SIGKILL) disappears and its room is placed again.
 */
class ClusterPlacementTest {

    @RegisterExtension
    static final ClusterNodes cluster = new ClusterNodes("n1", "n2", "n3");
    TestServer n1;
    TestServer n2;
    TestServer n3;

    @Test
    void everyNodeIsListedWithItsUrlAndLoad() {
        Map<String, NodeInfo> nodes = ClusterNodes.of(n2).nodes();
        assertThat(nodes.get("n1").url()).isEqualTo("http://127.0.0.1:" + n1.server().httpPort());
        assertThat(nodes.get("n3").url()).isEqualTo("http://127.0.0.1:" + n3.server().httpPort());
        assertThat(cluster.redis().cli("PTTL", "atrium:node:n1")).satisfies(ttl ->
                assertThat(Long.parseLong(ttl)).isBetween(1L, 3000L));
        assertThat(cluster.redis().cli("SMEMBERS", "atrium:nodes").lines()).contains("n1", "n2", "n3");
    }

    @Test
    void racingFirstJoinsPlaceEachRoomOnExactlyOneNode() throws Exception {
        List<TestServer> nodes = List.of(n1, n2, n3);
        int rooms = 20;
        int perNode = 6;
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * perNode);
        List<Long> firstPlacementMicros = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<String> owners = ConcurrentHashMap.newKeySet();
        try {
            for (int r = 0; r < rooms; r++) {
                UUID room = UUID.fromString(n1.createRoom("race " + r));
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> answers = new ArrayList<>();
                for (TestServer node : nodes) {
                    for (int i = 0; i < perNode; i++) {
                        answers.add(pool.submit(() -> {
                            go.await();
                            long t0 = System.nanoTime();
                            String owner = ClusterNodes.of(node).owner(room).id();
                            firstPlacementMicros.add((System.nanoTime() - t0) / 1000);
                            return owner;
                        }));
                    }
                }
                go.countDown();
                Set<String> answered = new HashSet<>();
                for (Future<String> f : answers) {
                    answered.add(f.get(30, TimeUnit.SECONDS));
                }
                assertThat(answered).as("every racer of room %s got the same owner", room).hasSize(1);
                String owner = answered.iterator().next();
                assertThat(cluster.owner(room)).isEqualTo(owner);
                assertThat(Long.parseLong(cluster.redis().cli("PTTL", "atrium:room:" + room))).isBetween(1L, 5000L);
                owners.add(owner);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(Set.of("n1", "n2", "n3")).containsAll(owners);
        long[] sorted = firstPlacementMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("placement (owner lookup, %d racing calls): p50 %d us, p99 %d us, max %d us; owners %s%n",
                sorted.length, sorted[sorted.length / 2], sorted[sorted.length * 99 / 100], sorted[sorted.length - 1], owners);
    }

    @Test
    void aRoomWithNobodyInItIsReleasedAndAnIdleClusterKeepsItWhereItsFirstClientIs() throws Exception {
        String room = n2.createRoom("released");
        try (RpcClient c = cluster.socket(n2)) {
            c.request("authenticate", Map.of("room", room, "call_id", "c1")); // answered (here: to the waiting room) by the owner
            assertThat(cluster.owner(room)).isEqualTo("n2");
        }
        // the socket closed: the room empties and its lease goes at the next heartbeat
        Waits.waitUntil(() -> cluster.redis().cli("EXISTS", "atrium:room:" + room).equals("0"), "the lease released");
    }

    @Test
    void aNodeThatStopsHeartbeatingDisappearsAndItsRoomIsPlacedAgain() throws Exception {
        ChildServer n4 = cluster.child("n4");
        String room = n1.createRoom("on n4");
        RpcClient c = cluster.socket(n4.port());
        c.request("authenticate", Map.of("room", room, "call_id", "c1"));
        assertThat(cluster.owner(room)).as("an idle cluster places a room where it is asked for")
                .isEqualTo("n4");

        long killed = System.nanoTime();
        n4.kill();
        Waits.waitUntil(() -> !ClusterNodes.of(n1).nodes().containsKey("n4"), "n4 gone from the registry", Duration.ofSeconds(15));
        long goneMillis = (System.nanoTime() - killed) / 1_000_000;
        assertThat(cluster.redis().cli("EXISTS", "atrium:node:n4")).isEqualTo("0");
        String owner = ClusterNodes.of(n3).owner(UUID.fromString(room)).id();
        long placedMillis = (System.nanoTime() - killed) / 1_000_000;
        assertThat(owner).isIn("n1", "n2", "n3");
        assertThat(cluster.owner(room)).isEqualTo(owner);
        System.out.printf("after SIGKILL of the owner: gone from the registry in %d ms, room placed on %s at %d ms%n",
                goneMillis, owner, placedMillis);
        assertThat(Arrays.asList(cluster.redis().cli("SMEMBERS", "atrium:nodes").split("\n"))).doesNotContain("n4");
    }
}
