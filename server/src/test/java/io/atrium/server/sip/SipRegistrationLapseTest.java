package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.ManualClock;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Contract 002's video registrations lapse {@value Invites#REGISTRATION_SECONDS} s after their last
 * {@code register_room_api}, on a server whose clock the test moves (no waiting two minutes): a
 * refreshed registration still gets {@code room_invite}, an unrefreshed one gets nothing, may not
 * decline, and a user left with only lapsed registrations is reported {@code not registered}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipRegistrationLapseTest {

    final ManualClock clock = new ManualClock(System.currentTimeMillis());
    TestServer server;
    @RegisterExtension
    final Closer open = new Closer();

    @BeforeAll
    void start() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-lapse-"));
        server = TestServer.start(c.withSip(new AtriumConfig.Sip(true, "127.0.0.1", Ports.free(), "", "atrium", 60, 3600, 100, 10, 0, 0,
                List.of("MD5"), List.of())), clock);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    String user(String name, String extension) {
        TestServer.Response r = server.post("/v1/users", "{\"user\":{\"username\":\"" + name + "\",\"password\":\"" + name
                + "-password\",\"sip_extension\":\"" + extension + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().at("/user/uuid").asText();
    }

    RpcClient app(String user) {
        RpcClient rpc = open.track(RpcClient.connect(server));
        assertThat(rpc.call("register_room_api", Map.of("username", user, "password", user + "-password")).get("expires_in").asInt())
                .isEqualTo(120);
        return rpc;
    }

    @Test
    void anUnrefreshedVideoRegistrationLapsesAfter120Seconds() {
        String ada = user("ada", "1001");
        user("bob", "1002");
        user("carol", "1003");
        RpcClient bobLapsing = app("bob");
        RpcClient bobRefreshing = app("bob");
        RpcClient carolLapsing = app("carol");

        clock.advance(100_000);
        bobRefreshing.call("register_room_api", Map.of("username", "bob", "password", "bob-password")); // the minute's refresh
        clock.advance(20_000); // 120 s after the first registration: not yet lapsed
        clock.advance(1_000); // now it has, for bobLapsing and carolLapsing

        String room = server.post("/v1/rooms", """
                {"room": {"name": "lapse", "members": [{"user_id": "%s", "admin": true}]}}""".formatted(ada))
                .json().at("/room/uuid").asText();
        RpcClient host = open.track(RpcClient.connect(server));
        String token = host.call("authenticate", Map.of("room", room, "call_id", "ada-" + UUID.randomUUID(), "username", "ada",
                "password", "ada-password")).get("auth_token").asText();
        JavaPeer peer = open.track(new JavaPeer());
        peer.connect(host.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token)).get("sdp").asText());

        JsonNode result = host.call("invite_exten", Map.of("extens", List.of("1002", "1003")));
        assertThat(result.at("/invited/0/destination").asText()).isEqualTo("1002");
        assertThat(result.get("invited")).hasSize(1);
        assertThat(result.at("/failed/0/destination").asText()).isEqualTo("1003");
        assertThat(result.at("/failed/0/reason").asText()).as("carol's only registration lapsed").isEqualTo("not registered");
        String callId = result.at("/invited/0/bridge_id").asText();
        assertThat(bobRefreshing.await("room_invite").get("call_id").asText()).isEqualTo(callId);

        // a request answered after the invite was sent: any room_invite to this socket came before it
        JsonNode refused = bobLapsing.request("decline_room_invite", Map.of("call_id", callId));
        assertThat(refused.at("/error/code").asInt()).as(refused.toString()).isEqualTo(404);
        assertThat(refused.at("/error/message").asText()).isEqualTo("no such invite");
        assertThat(bobLapsing.notifications).as("the lapsed registration got no invite")
                .noneMatch(n -> n.path("method").asText().startsWith("room_invite"));
        assertThat(carolLapsing.notifications).noneMatch(n -> n.path("method").asText().startsWith("room_invite"));

        assertThat(bobRefreshing.call("decline_room_invite", Map.of("call_id", callId))).isEmpty();
        JsonNode reject = host.await("room_invite_reject");
        assertThat(reject.get("call_id").asText()).isEqualTo(callId);
        assertThat(reject.get("reason").asText()).isEqualTo("declined");
    }
}
