package io.atrium.server.signal;

import static io.atrium.server.signal.RoomProtocolTest.auth;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Contract 002, "Anonymous and waiting room": a waiting member is refused with 403 and "The members in
 * the room will receive this notification" {@code member_waiting}; "When the member in the waiting
 * room left the room, the members in the room will receive" {@code member_leave_waiting_room}. Every
 * admin of the room hears it (issue 21, item 4): one who has only authenticated, one who watches, and
 * one who arrives after the guests started waiting (told of each with one {@code member_waiting}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WaitingRoomAdminsTest {

    TestServer server;
    String ada;
    String bob;
    @RegisterExtension
    final Closer open = new Closer();

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(TestServer.config(Db.H2, Files.createTempDirectory("atrium-waiting-")));
        ada = server.createUser("ada");
        bob = server.createUser("bob");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    RpcClient client() {
        return open.track(RpcClient.connect(server));
    }

    /** A room where ada is an admin, bob a member, and strangers wait. */
    String room() {
        return server.post("/v1/rooms", """
                {"room": {"name": "w", "members": [{"user_id": "%s", "admin": true}, {"user_id": "%s", "admin": false}]}}"""
                .formatted(ada, bob)).json().at("/room/uuid").asText();
    }

    /** A stranger that authenticates and is told to wait, as the document shows. */
    RpcClient waiter(String room, String callId, String name) {
        RpcClient c = client();
        JsonNode refused = c.request("authenticate", auth(room, callId, "display_name", name));
        assertThat(refused.at("/error/code").asInt()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.at("/error/message").asText()).isEqualTo("not allowed for this room, waiting to be accpeted");
        return c;
    }

    static List<String> waitingNotices(RpcClient c) {
        return c.notifications.stream().filter(n -> n.path("method").asText().equals("member_waiting"))
                .map(n -> n.at("/params/member").asText()).toList();
    }

    @Test
    void anAdminWhoOnlyAuthenticatedLearnsWhoWaitsAndWhoComesAndGoes() {
        String room = room();
        waiter(room, "early-1", "Eve");
        waiter(room, "early-2", "Eli");

        RpcClient admin = client();
        String token = admin.call("authenticate", auth(room, "ada-1", "username", "ada", "password", "password-ada"))
                .get("auth_token").asText();
        JsonNode first = admin.await("member_waiting");
        assertThat(first.get("member").asText()).isEqualTo("early-1");
        assertThat(first.get("name").asText()).isEqualTo("Eve");
        assertThat(admin.await("member_waiting").get("member").asText()).isEqualTo("early-2");

        RpcClient late = waiter(room, "late-1", "Lou");
        assertThat(admin.await("member_waiting").get("member").asText()).isEqualTo("late-1");
        late.notifyServer("still_waiting", Map.of());
        assertThat(admin.await("member_waiting").get("member").asText()).isEqualTo("late-1");
        late.close();
        assertThat(admin.await("member_leave_waiting_room").get("member").asText()).isEqualTo("late-1");

        // the admin decides without joining, and hears the decision like the room does
        assertThat(admin.call("allow_member", Map.of("member", "early-1", "auth_token", token))).isEmpty();
        assertThat(admin.await("member_waiting_allowed").get("member").asText()).isEqualTo("early-1");

        // a member who is not an admin hears none of it
        RpcClient member = client();
        member.call("authenticate", auth(room, "bob-1", "username", "bob", "password", "password-bob"));
        waiter(room, "late-2", "Liv");
        assertThat(admin.await("member_waiting").get("member").asText()).isEqualTo("late-2");
        member.call("get_room_members", Map.of()); // answered after anything sent to it before
        assertThat(waitingNotices(member)).isEmpty();
        RpcClient refused = waiter(room, "late-9", "Rex");
        assertThat(admin.await("member_waiting").get("member").asText()).isEqualTo("late-9");
        assertThat(admin.call("reject_member", Map.of("member", "late-9", "auth_token", token))).isEmpty();
        assertThat(admin.await("member_waiting_rejected").get("member").asText()).isEqualTo("late-9");
        assertThat(refused.closed).succeedsWithin(java.time.Duration.ofSeconds(10));

        // joining later repeats nothing it already heard
        int heard = waitingNotices(admin).size();
        JsonNode joined = admin.call("join_room", Map.of("sdp", open.track(new JavaPeer()).offer(true), "auth_token", token));
        assertThat(joined.get("is_admin").asBoolean()).isTrue();
        waiter(room, "late-3", "Lea");
        assertThat(admin.await("member_waiting").get("member").asText()).isEqualTo("late-3");
        assertThat(waitingNotices(admin)).hasSize(heard + 1);
    }

    @Test
    void anAdminWhoWatchesOrJoinsAfterGuestsStartedWaitingIsToldOfEach() {
        String room = room();
        waiter(room, "g-1", "Gus");
        waiter(room, "g-2", "Gia");

        RpcClient watcher = client();
        watcher.call("watch_room", Map.of("auth_token", server.token(room, "\"identity\": \"op\", \"admin\": true")));
        assertThat(List.of(watcher.await("member_waiting").get("member").asText(), watcher.await("member_waiting")
                .get("member").asText())).containsExactly("g-1", "g-2");

        RpcClient host = client();
        host.call("join_room", Map.of("sdp", open.track(new JavaPeer()).offer(true),
                "auth_token", server.token(room, "\"identity\": \"host\", \"admin\": true")));
        assertThat(List.of(host.await("member_waiting").get("member").asText(), host.await("member_waiting")
                .get("member").asText())).containsExactly("g-1", "g-2");

        // a watcher that is no admin is told nothing of the waiting room
        RpcClient plain = client();
        plain.call("watch_room", Map.of("auth_token", server.token(room, "\"identity\": \"viewer\"")));
        waiter(room, "g-3", "Gil");
        assertThat(watcher.await("member_waiting").get("member").asText()).isEqualTo("g-3");
        assertThat(host.await("member_waiting").get("member").asText()).isEqualTo("g-3");
        plain.call("get_room_members", Map.of()); // answered after anything sent to it before
        assertThat(waitingNotices(plain)).isEmpty();
    }

    @Test
    void whenTheRoomEndsASocketThatOnlyAuthenticatedIsToldAndClosed() {
        String room = room();
        RpcClient admin = client();
        admin.call("authenticate", auth(room, "ada-2", "username", "ada", "password", "password-ada"));
        assertThat(server.delete("/v1/rooms/" + room).status()).isEqualTo(204);
        admin.await("room_ended");
        assertThat(admin.closed).succeedsWithin(java.time.Duration.ofSeconds(10));
    }
}
