package io.atrium.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.atrium.server.auth.Grants;
import io.atrium.server.auth.TokenService;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The shared state service: snapshots, ordered changes, read grants, and nothing left behind. */
class StateServiceTest {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final ObjectMapper JSON = new ObjectMapper();
    final StateService state = new StateService();
    final UUID room = UUID.randomUUID();

    StateService.Sink recorder(List<String> into) {
        return (method, params) -> {
            try {
                into.add(method + " " + JSON.writeValueAsString(params));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    @Test
    void snapshotThenEveryChangeInOrder() {
        state.createMap(room, "speakers");
        state.putItem(room, "speakers", "host", NODES.objectNode().put("host", true));
        List<String> seen = new ArrayList<>();
        Map<String, StateService.Value> snap = state.subscribe(room, "s1", recorder(seen), List.of("speakers", "doc"));
        assertThat(snap.get("speakers").type()).isEqualTo("map");
        assertThat(snap.get("speakers").value().toString()).isEqualTo("{host={\"host\":true}}");
        assertThat(snap.get("doc")).isNull();

        state.putItem(room, "speakers", "ann", NODES.objectNode().put("host", false));
        state.putItem(room, "speakers", "ann", NODES.objectNode().put("host", false)); // unchanged: silent
        state.removeItem(room, "speakers", "ann");
        assertThat(state.removeItem(room, "speakers", "ann")).isFalse();
        state.setDocument(room, "doc", NODES.objectNode().put("a", 1));
        assertThat(state.updateDocument(room, "doc", d -> NODES.objectNode().put("a", 2))).isTrue();
        assertThat(state.updateDocument(room, "missing", d -> d)).isFalse();
        state.setDocument(room, "other", NODES.objectNode()); // not subscribed: not sent
        String r = room.toString();
        assertThat(seen).containsExactly(
                "state_changed {\"room\":\"" + r + "\",\"name\":\"speakers\",\"type\":\"map\",\"key\":\"ann\",\"value\":{\"host\":false}}",
                "state_changed {\"room\":\"" + r + "\",\"name\":\"speakers\",\"type\":\"map\",\"key\":\"ann\",\"deleted\":true}",
                "state_changed {\"room\":\"" + r + "\",\"name\":\"doc\",\"type\":\"document\",\"value\":{\"a\":1}}",
                "state_changed {\"room\":\"" + r + "\",\"name\":\"doc\",\"type\":\"document\",\"value\":{\"a\":2}}");
    }

    @Test
    void clearTellsSubscribersAndLeavesNothing() {
        state.createMap(room, "m");
        state.setDocument(room, "d", NODES.objectNode());
        List<String> seen = new ArrayList<>();
        state.subscribe(room, "s1", recorder(seen), List.of("m", "d"));
        state.clear(room);
        assertThat(seen).hasSize(2).allMatch(s -> s.contains("\"deleted\":true"));
        assertThat(state.isEmpty(room)).isTrue();
        assertThat(state.map(room, "m")).isEmpty();
        // the subscription ended with the room: later state of the same id is not sent to it
        state.setDocument(room, "d", NODES.objectNode());
        assertThat(seen).hasSize(2);
        state.clear(room);
        assertThat(state.isEmpty(room)).isTrue();
    }

    /**
     * A cluster node with none of a room's state in memory reads it from Redis (answered as Redis had it when the
     * read came) while the room ends: the late read brings none of the ended room's state back into memory.
     */
    @Test
    void aRoomEndedWhileItsKeptStateIsReadComesBackEmpty() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        CountDownLatch reading = new CountDownLatch(1);
        Map<String, com.fasterxml.jackson.databind.JsonNode> redis = new java.util.concurrent.ConcurrentHashMap<>(
                Map.of("doc", NODES.objectNode().put("a", 1)));
        state.keepWith(new StateService.Keeper() {
            public void document(UUID r, String name, com.fasterxml.jackson.databind.JsonNode value) {
                redis.put(name, value);
            }

            public void map(UUID r, String name) {
            }

            public void item(UUID r, String name, String key, com.fasterxml.jackson.databind.JsonNode value) {
            }

            public void delete(UUID r, String name, java.util.Collection<String> items) {
                redis.remove(name);
            }

            public void clear(UUID r) {
                redis.clear();
            }

            public StateService.Kept load(UUID r) {
                StateService.Kept kept = new StateService.Kept(Map.copyOf(redis), Map.of()); // what Redis had then
                reading.countDown();
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return kept;
            }

            public boolean available() {
                return true;
            }

            public java.util.concurrent.CompletableFuture<Void> kept(UUID r) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            public void rewriting(UUID r) {
            }
        });
        java.util.concurrent.CompletableFuture<Optional<com.fasterxml.jackson.databind.JsonNode>> read =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> state.document(room, "doc"));
        assertThat(reading.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("Redis read the room").isTrue();
        state.clear(room); // the room ended
        assertThat(redis).isEmpty();
        answer.countDown();
        assertThat(read.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("the read answers the ended room's state: none").isEmpty();
        assertThat(state.isEmpty(room)).as("nothing of the room in memory: its lease is not held for it").isTrue();
    }

    @Test
    void unsubscribingDropsAnEmptyRoom() {
        List<String> seen = new ArrayList<>();
        state.subscribe(room, "s1", recorder(seen), List.of("x"));
        assertThat(state.isEmpty(room)).isFalse();
        state.unsubscribeAll("s1");
        assertThat(state.isEmpty(room)).isTrue();
        state.subscribe(room, "s2", recorder(seen), List.of("x", "y"));
        state.unsubscribe(room, "s2", List.of("x"));
        state.setDocument(room, "x", NODES.objectNode());
        assertThat(seen).isEmpty();
        state.delete(room, "x");
        state.unsubscribe(room, "s2", List.of());
        assertThat(state.isEmpty(room)).isTrue();
    }

    @Test
    void concurrentWritersAreSeenInOneOrderBySubscribers() throws Exception {
        List<String> a = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> b = java.util.Collections.synchronizedList(new ArrayList<>());
        state.subscribe(room, "a", recorder(a), List.of("m"));
        state.subscribe(room, "b", recorder(b), List.of("m"));
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200; i++) {
                    state.putItem(room, "m", "k", NODES.numberNode(id * 1000 + i));
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(a).isEqualTo(b);
        String last = a.get(a.size() - 1);
        assertThat(last).endsWith("\"value\":" + state.map(room, "m").orElseThrow().get("k") + "}");
    }

    @Test
    void stateGrantsRoundTripAndOldTokensReadNothing() {
        TokenService tokens = new TokenService(Map.of("k", "secret"), Clock.systemUTC());
        String old = tokens.mint("k", room, "id", "n", Optional.empty(), false, Grants.participant(), 60).token();
        Grants none = tokens.verify(old, Optional.of(room)).grants();
        assertThat(none.state()).isEmpty();
        assertThat(none.mayReadState("speakers")).isFalse();
        assertThat(new String(java.util.Base64.getUrlDecoder().decode(old.split("\\.")[1]))).doesNotContain("\"state\"");
        String withState = tokens.mint("k", room, "id", "n", Optional.empty(), false,
                Grants.participant().withState(List.of("speakers", "user-*")), 60).token();
        Grants g = tokens.verify(withState, Optional.of(room)).grants();
        assertThat(g.state()).containsExactly("speakers", "user-*");
        assertThat(g.mayReadState("speakers")).isTrue();
        assertThat(g.mayReadState("user-ann")).isTrue();
        assertThat(g.mayReadState("viewers")).isFalse();
        assertThat(Grants.participant().withState(List.of("*")).mayReadState("anything")).isTrue();
    }
}
