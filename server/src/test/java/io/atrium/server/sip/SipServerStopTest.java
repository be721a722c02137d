package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server that stops (docs/SIP.md, "Restarts") tells the clients of what it cannot keep: an invite
 * still ringing ends as {@code server stopping} for the invited user's apps and for the inviter, and a
 * temporary room ends with {@code room_ended} for its members before their sockets close. A server
 * started again on the same database no longer has the temporary room.
 */
class SipServerStopTest {

    @RegisterExtension
    final Closer open = new Closer();

    @Test
    void stoppingEndsRingingInvitesAndTemporaryRoomsAndSaysSo() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-stop-"));
        AtriumConfig.Sip sip = new AtriumConfig.Sip(true, "127.0.0.1", Sipp.freePort(), "", "atrium", 60, 3600, 100, 10, 0, 0,
                List.of("MD5"), List.of());
        TestServer server = TestServer.start(c.withSip(sip));
        String room;
        RpcClient ada;
        RpcClient bob;
        try {
            for (String[] u : new String[][] {{"ada", "1001"}, {"bob", "1002"}}) {
                assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"" + u[0] + "\",\"password\":\"" + u[0]
                        + "-password\",\"sip_extension\":\"" + u[1] + "\"}}").status()).isEqualTo(201);
            }
            bob = open.track(RpcClient.connect(server));
            bob.call("register_room_api", Map.of("username", "bob", "password", "bob-password"));
            ada = open.track(RpcClient.connect(server));
            JavaPeer peer = open.track(new JavaPeer());
            JsonNode created = ada.call("create_temp_room", Map.of("call_id", UUID.randomUUID().toString(), "username", "ada",
                    "password", "ada-password", "sdp", peer.offer(true), "invited", List.of("1002")));
            peer.connect(created.get("sdp").asText());
            room = created.get("room_id").asText();
            String callId = bob.await("room_invite").get("call_id").asText();
            assertThat(created.at("/invited/0/bridge_id").asText()).isEqualTo(callId);
        } finally {
            server.close();
        }
        JsonNode cancelled = bob.await("room_invite_cancelled");
        assertThat(cancelled.get("reason").asText()).isEqualTo("server stopping");
        JsonNode reject = ada.await("room_invite_reject");
        assertThat(reject.get("reason").asText()).isEqualTo("server stopping");
        assertThat(reject.get("destination").asText()).isEqualTo("1002");
        assertThat(ada.await("room_ended").get("by_admin").asBoolean(true)).isFalse();

        try (TestServer again = TestServer.start(c.withSip(sip))) {
            assertThat(again.get("/v1/rooms/" + room).status()).as("the temporary room is gone").isEqualTo(404);
        }
    }
}
