package io.atrium.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.ManualClock;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Finding 19 of docs/SECURITY.md over the real protocol: chat is limited per token identity (whatever number of
 * sockets it uses) and per room, a refused message is neither stored nor sent, and the limit's window passes; one
 * client address holds at most {@code rooms.sockets_per_address} WebSockets, one more is closed with 1013.
 */
class ChatFloodTest {

    /** The defaults of room.Chat and rooms.sockets_per_address, as docs/PROTOCOL.md states them. */
    static final int PER_IDENTITY = 30;
    static final int PER_ROOM = 300;
    static final int SOCKETS_PER_ADDRESS = 64;

    @RegisterExtension
    final Closer open = new Closer();

    @Test
    void oneIdentityIsLimitedOverAllItsSocketsAndRefusedMessagesAreNotStored() throws Exception {
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        TestServer server = open.track(TestServer.start(
                TestServer.config(TestServer.Db.H2, Files.createTempDirectory("atrium-chat-flood-")), clock));
        String room = server.createRoom("chatty");
        String spammerToken = server.token(room, "\"identity\": \"spammer\"");
        List<RpcClient> spammer = List.of(watcher(server, spammerToken), watcher(server, spammerToken), watcher(server, spammerToken));
        RpcClient ann = watcher(server, server.token(room, "\"identity\": \"ann\""));

        for (int i = 0; i < PER_IDENTITY; i++) {
            spammer.get(i % spammer.size()).call("send_chat_message", Map.of("text", "spam " + i));
        }
        for (RpcClient socket : spammer) {
            assertTooMany(socket.request("send_chat_message", Map.of("text", "refused")),
                    "too many chat messages from you (" + PER_IDENTITY + " per minute), retry in ");
        }
        ann.call("send_chat_message", Map.of("text", "ann is not limited by the spammer"));
        List<String> texts = server.get("/v1/rooms/" + room + "/chat?limit=200").json().get("messages").findValuesAsText("text");
        assertThat(texts).hasSize(PER_IDENTITY + 1).doesNotContain("refused").endsWith("ann is not limited by the spammer");

        clock.advance(Duration.ofSeconds(61).toMillis());
        spammer.get(0).call("send_chat_message", Map.of("text", "a minute later"));
    }

    @Test
    void aRoomIsLimitedOverAllItsMembers() throws Exception {
        TestServer server = open.track(TestServer.start(TestServer.Db.H2));
        String room = server.createRoom("crowd");
        int people = PER_ROOM / PER_IDENTITY;
        for (int p = 0; p < people; p++) {
            RpcClient person = watcher(server, server.token(room, "\"identity\": \"person-" + p + "\""));
            for (int i = 0; i < PER_IDENTITY; i++) {
                person.call("send_chat_message", Map.of("text", "person " + p + " says " + i));
            }
        }
        RpcClient late = watcher(server, server.token(room, "\"identity\": \"late\""));
        assertTooMany(late.request("send_chat_message", Map.of("text", "one too many")),
                "too many chat messages in this room (" + PER_ROOM + " per minute), retry in ");
        assertThat(server.get("/v1/rooms/" + room + "/chat?limit=1").json().get("messages").findValuesAsText("text"))
                .containsExactly("person " + (people - 1) + " says " + (PER_IDENTITY - 1));
    }

    @Test
    void oneAddressHoldsAtMostItsShareOfSockets() throws Exception {
        TestServer server = open.track(TestServer.start(TestServer.Db.H2));
        List<RpcClient> sockets = new ArrayList<>();
        for (int i = 0; i < SOCKETS_PER_ADDRESS; i++) {
            sockets.add(open.track(RpcClient.connect(server)));
        }
        RpcClient beyond = open.track(RpcClient.connect(server));
        assertThat(beyond.closed).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(1013);
        assertThat(beyond.closeReason).isEqualTo("too many connections from this address");
        for (RpcClient s : sockets) {
            assertThat(s.closed).as("the sockets within the cap stay open").isNotDone();
        }
        assertThat(sockets.get(SOCKETS_PER_ADDRESS - 1).served()).as("a socket within the cap is served").isTrue();

        sockets.get(0).close();
        RpcClient again = open.track(RpcClient.connectServed(server, Duration.ofSeconds(10)));
        assertThat(again.closed).as("a closed socket frees its place").isNotDone();
    }

    private RpcClient watcher(TestServer server, String token) {
        RpcClient c = open.track(RpcClient.connect(server));
        c.call("watch_room", Map.of("auth_token", token));
        return c;
    }

    private static void assertTooMany(JsonNode response, String messageStart) {
        assertThat(response.at("/error/code").asInt()).as(response.toString()).isEqualTo(429);
        assertThat(response.at("/error/message").asText()).startsWith(messageStart);
    }
}
