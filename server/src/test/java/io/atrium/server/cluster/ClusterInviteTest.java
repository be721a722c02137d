package io.atrium.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.ClusterNodes;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.RtpPhone;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.Waits;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Contract 002's invites across nodes (docs/SCALING.md, "Cross-node events"): a user's video registrations
 * on any node get the invites of a room that runs on another, the invite's token answers it on any node (the
 * others are told it was answered elsewhere), a decline sent on any node reaches the invite, and a closed
 * registration is no longer listed; a phone registered on one node is rung by the node that runs the room
 * and joins it there. Two nodes in this JVM with SIP on one Redis and PostgreSQL; Java WebSocket clients as
 * the apps, SIPp as the phone.
 */
class ClusterInviteTest {

    @RegisterExtension
    static final ClusterNodes cluster = new ClusterNodes("n1", "n2").withSip();
    TestServer n1;
    TestServer n2;

    static String user(TestServer node, String name, String extension) {
        TestServer.Response r = node.post("/v1/users", "{\"user\":{\"username\":\"" + name + "\",\"display_name\":\"" + name
                + "\",\"password\":\"" + name + "-password\",\"sip_extension\":\"" + extension + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().at("/user/uuid").asText();
    }

    /** A socket on {@code node} registered as a video registration of {@code name}. */
    RpcClient app(TestServer node, String name, String uuid) {
        RpcClient rpc = cluster.socket(node);
        assertThat(rpc.call("register_room_api", Map.of("username", name, "password", name + "-password")).get("user").asText())
                .isEqualTo(uuid);
        return rpc;
    }

    static void assertError(JsonNode response, int code, String message) {
        assertThat(response.at("/error/code").asInt()).as(response.toString()).isEqualTo(code);
        assertThat(response.at("/error/message").asText()).isEqualTo(message);
    }

    @Test
    void anInviteRingsTheUsersAppsOnEveryNodeAndIsAnsweredOrDeclinedFromAny() {
        String ada = user(n1, "ada", "1001");
        String bob = user(n2, "bob", "1002");
        String carol = user(n1, "carol", "1003");
        String room = n1.post("/v1/rooms", """
                {"room": {"name": "invites", "open": true, "members": [{"user_id": "%s", "admin": true}]}}""".formatted(ada))
                .json().at("/room/uuid").asText();
        TestServer owner = cluster.node(ClusterNodes.of(n1).owner(UUID.fromString(room)).id());
        TestServer other = owner == n1 ? n2 : n1;

        RpcClient far = app(other, "bob", bob);
        RpcClient near = app(owner, "bob", bob);
        // ada's socket is on the node that does not run the room: her invite_exten runs on the room's node
        RpcClient host = cluster.socket(other);
        String adaToken = host.call("authenticate", Map.of("room", room, "call_id", "ada", "username", "ada",
                "password", "ada-password")).get("auth_token").asText();
        cluster.joinOn(host, adaToken);

        JsonNode invited = host.call("invite_exten", Map.of("extens", List.of("1002")));
        assertThat(invited.get("failed")).as(invited.toString()).isEmpty();
        String callId = invited.at("/invited/0/bridge_id").asText();
        JsonNode invite = far.await("room_invite");
        assertThat(invite.get("call_id").asText()).isEqualTo(callId);
        assertThat(invite.get("room").asText()).isEqualTo(room);
        assertThat(invite.get("from_user").asText()).isEqualTo(ada);
        assertThat(near.await("room_invite").get("call_id").asText()).isEqualTo(callId);

        // the app on the other node answers with the invite's token: its join runs on the room's node
        JsonNode joined = cluster.joinOn(far, invite.get("auth_token").asText()).joined();
        assertThat(joined.get("call_id").asText()).isEqualTo(callId);
        assertThat(near.await("room_invite_completed_elsewhere").get("call_id").asText()).isEqualTo(callId);
        assertThat(host.await("member_join_room").get("id").asText()).isEqualTo(callId);
        // the room's node sent far's notifications before its answer, in order: it was not told it lost
        assertThat(far.notifications).noneMatch(n -> n.path("method").asText().equals("room_invite_completed_elsewhere"));
        assertError(cluster.socket(owner).request("join_room", Map.of("sdp", cluster.closing(new JavaPeer()).offer(true),
                "auth_token", invite.get("auth_token").asText())), 403, "the invite was answered elsewhere");

        // a decline on the other node reaches the invite on the room's node, for every device of the user
        String second = host.call("invite_exten", Map.of("extens", List.of("1002"))).at("/invited/0/bridge_id").asText();
        assertThat(far.await("room_invite").get("call_id").asText()).isEqualTo(second);
        near.await("room_invite");
        assertError(cluster.socket(other).request("decline_room_invite", Map.of("call_id", second)), 404, "no such invite");
        assertError(far.request("decline_room_invite", Map.of("call_id", UUID.randomUUID().toString())), 404, "no such invite");
        assertThat(far.call("decline_room_invite", Map.of("call_id", second))).isEmpty();
        JsonNode reject = host.await("room_invite_reject");
        assertThat(reject.get("call_id").asText()).isEqualTo(second);
        assertThat(reject.get("reason").asText()).isEqualTo("declined");
        assertThat(near.await("room_invite_cancelled").get("call_id").asText()).isEqualTo(second);
        assertError(far.request("decline_room_invite", Map.of("call_id", second)), 409, "the invite was answered or has ended");
        assertThat(far.call("get_room_members", Map.of()).toString()).as("declining did not move far's socket").contains(callId);

        // a registration whose socket closed is withdrawn: a user with no other is not registered
        RpcClient gone = app(other, "carol", carol);
        assertThat(cluster.redis().cli("ZCARD", "atrium:apps:" + carol)).isEqualTo("1");
        gone.close();
        Waits.waitUntil(() -> cluster.redis().cli("ZCARD", "atrium:apps:" + carol).equals("0"), "carol's registration withdrawn");
        JsonNode unreachable = host.call("invite_exten", Map.of("extens", List.of("1003")));
        assertThat(unreachable.at("/failed/0/reason").asText()).as(unreachable.toString()).isEqualTo("not registered");
    }

    @Test
    void aPhoneRegisteredOnOneNodeIsRungByTheNodeThatRunsTheRoomAndJoinsItThere() throws Exception {
        String ada = user(n1, "ann", "1011");
        user(n1, "dave", "1014");
        String room = n1.post("/v1/rooms", """
                {"room": {"name": "phones", "open": true, "members": [{"user_id": "%s", "admin": true}]}}""".formatted(ada))
                .json().at("/room/uuid").asText();
        String ownerId = ClusterNodes.of(n1).owner(UUID.fromString(room)).id();
        TestServer owner = cluster.node(ownerId);
        String otherId = ownerId.equals("n1") ? "n2" : "n1";
        int phonePort = Sipp.freePort();
        try (Sipp register = Sipp.start("register.xml", Map.of("FINAL", "200", "EXPIRES", "300"), cluster.sipPort(otherId), phonePort,
                "-t", "u1", "-s", "1014", "-au", "dave", "-ap", "dave-password")) {
            assertThat(register.await().ok()).isTrue();
        }
        assertThat(cluster.redis().cli("ZCARD", "atrium:phones:1014")).as("listed for every node").isEqualTo("1");
        assertThat(owner.get("/v1/sip/registrations?extension=1014").json().get("registrations")).as("not the owner's").isEmpty();

        RpcClient host = cluster.socket(owner);
        cluster.joinOn(host, host.call("authenticate", Map.of("room", room, "call_id", "ann", "username", "ann",
                "password", "ann-password")).get("auth_token").asText());
        try (RtpPhone media = new RtpPhone();
             Sipp phone = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-answer.part"),
                     "MEDIA_PORT", String.valueOf(media.port())), cluster.sipPort(otherId), phonePort, "-t", "u1")) {
            Waits.waitUntil(() -> bound(phonePort), "SIPp listening on " + phonePort);
            String callId = host.call("invite_exten", Map.of("extens", List.of("1014"))).at("/invited/0/bridge_id").asText();
            JsonNode joined = host.await("member_join_room");
            assertThat(joined.get("id").asText()).isEqualTo(callId);
            assertThat(joined.get("is_sip").asBoolean()).isTrue();
            assertThat(phone.messages()).as("the room's node rang it").contains("X-Atrium-Call-Id: " + callId)
                    .contains(":" + cluster.sipPort(ownerId));
            host.call("remove_member", Map.of("member", callId));
            assertThat(phone.await().ok()).as("the room's node hung up").isTrue();
        }
    }

    @Test
    void aNodeStartingKeepsTheTemporaryRoomsThatAnotherNodeRuns() {
        user(n1, "eve", "1015");
        RpcClient eve = cluster.socket(n2);
        JsonNode made = eve.call("create_temp_room", Map.of("call_id", "eve", "sdp", cluster.closing(new JavaPeer()).offer(true),
                "username", "eve", "password", "eve-password"));
        String room = made.get("room_id").asText();
        Waits.waitUntil(() -> "n2".equals(cluster.owner(room)), "n2 holds the temporary room's lease");
        TestServer n3 = cluster.node("n3"); // its SIP bridge deletes the temporary rooms a previous run left stored
        assertThat(n3.get("/v1/rooms/" + room).status()).as("n2's live temporary room is kept").isEqualTo(200);
        assertThat(eve.call("get_room_members", Map.of()).toString()).contains("eve");
    }

    static boolean bound(int port) {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port))) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
