package io.atrium.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.edge.Json;
import io.atrium.server.state.StateService;
import io.atrium.server.testing.Redis;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rooms' kept state in a real Redis, fenced by the room's lease (docs/SCALING.md): node n1 writes and reads a
 * room's hash while the lease names n1 or nobody; once it names another node, n1 changes nothing of it, reads none of
 * it, is told so, and gives the room up.
 */
class KeptStateTest {

    static Redis redis;
    static RedisClient client;
    static StatefulRedisConnection<String, String> connection;
    final List<UUID> refused = new CopyOnWriteArrayList<>();
    final UUID room = UUID.randomUUID();
    final String hash = KeptState.key(room);

    @BeforeAll
    static void start() {
        redis = Redis.start();
        client = RedisClient.create(redis.url());
        client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        connection = client.connect();
    }

    @AfterAll
    static void stop() {
        connection.close();
        client.shutdown();
        redis.close();
    }

    KeptState node(String id) {
        return new KeptState(id, connection.sync(), connection.async(), () -> true, refused::add);
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static void kept(KeptState node, UUID room) throws Exception {
        node.kept(room).get(5, TimeUnit.SECONDS);
    }

    @Test
    void changesAreKeptWhileTheLeaseIsThisNodesOrNobodys() throws Exception {
        KeptState n1 = node("n1");
        n1.document(room, "doc", json("{\"a\":1}")); // no lease yet: a room just made
        kept(n1, room);
        assertThat(redis.cli("HGET", hash, "[\"d\",\"doc\"]")).isEqualTo("{\"a\":1}");
        assertThat(Long.parseLong(redis.cli("PTTL", hash))).as("expires unless renewed").isPositive();

        redis.cli("SET", RoomLeases.key(room), "n1", "PX", "60000");
        n1.map(room, "m");
        n1.item(room, "m", "k", json("{\"b\":2}"));
        kept(n1, room);
        StateService.Kept read = n1.load(room);
        assertThat(read.documents()).containsEntry("doc", json("{\"a\":1}"));
        assertThat(read.maps().get("m")).containsEntry("k", json("{\"b\":2}"));

        n1.item(room, "m", "k", null);
        n1.delete(room, "doc", List.of());
        kept(n1, room);
        assertThat(redis.cli("HKEYS", hash)).isEqualTo("[\"m\",\"m\"]");
        n1.clear(room);
        kept(n1, room);
        assertThat(redis.cli("EXISTS", hash)).isEqualTo("0");
        assertThat(refused).isEmpty();
    }

    /** A room's state that cannot be read (Redis away) is not taken up empty: the read fails, saying so. */
    @Test
    void aStateThatCannotBeReadIsNotTakenUpEmpty() throws Exception {
        KeptState n1 = node("n1");
        redis.restart(() -> assertThatThrownBy(() -> n1.load(room)).isInstanceOf(StateService.NotKept.class)
                .hasMessageContaining("cannot be read right now"));
        io.atrium.server.testing.Waits.waitUntil(() -> {
            try {
                return "PONG".equals(connection.sync().ping());
            } catch (RuntimeException e) {
                return false;
            }
        }, "reconnected to the restarted Redis");
        assertThat(n1.load(room).documents()).isEmpty();
        assertThat(refused).as("not a refusal by another node's lease").isEmpty();
    }

    @Test
    void aNodeThatLostTheLeaseChangesNothingReadsNothingAndGivesTheRoomUp() throws Exception {
        KeptState n1 = node("n1");
        n1.document(room, "doc", json("{\"a\":1}"));
        n1.item(room, "m", "k", json("{\"b\":2}"));
        kept(n1, room);
        redis.cli("SET", RoomLeases.key(room), "n2", "PX", "60000"); // another node placed the room
        String before = redis.cli("HGETALL", hash);

        n1.document(room, "doc", json("{\"a\":2}"));
        n1.item(room, "m", "k", null);
        n1.delete(room, "doc", List.of());
        assertThatThrownBy(() -> kept(n1, room)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(StateService.NotKept.class).hasMessageContaining("run by another server");
        n1.clear(room); // its room ended here
        kept(n1, room);
        assertThat(redis.cli("HGETALL", hash)).as("nothing of n1's changes").isEqualTo(before);
        assertThat(refused).as("n1 gives the room up").contains(room);

        refused.clear();
        assertThatThrownBy(() -> n1.load(room)).isInstanceOf(StateService.NotKept.class);
        assertThat(refused).containsExactly(room);

        KeptState n2 = node("n2"); // the owner still reads and writes it
        assertThat(n2.load(room).documents()).containsEntry("doc", json("{\"a\":1}"));
        n2.document(room, "doc", json("{\"a\":3}"));
        kept(n2, room);

        redis.cli("DEL", RoomLeases.key(room)); // nobody holds it: n1 may take it up again, reading what n2 kept
        assertThat(n1.load(room).documents()).containsEntry("doc", json("{\"a\":3}"));
        kept(n1, room); // read afresh: the refusals before no longer count
    }
}
