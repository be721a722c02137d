package io.atrium.server.sip;

import static io.atrium.server.sip.SipRegistrarTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who may make Atrium call out through a trunk, and how much (docs/SIP.md, "Who may dial out"; docs/SECURITY.md,
 * finding 25), with SIPp as the carrier: a contract facade's anonymous admin token cannot dial a number (the carrier
 * gets no INVITE) while an admin token an operator minted for a directory user with an extension can; destinations
 * that are no dial string are refused; calls out (ringing or answered) are bounded per room and per server, and the ringing of
 * extensions per inviter, room and anonymous address, each with a clear JSON-RPC error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipDialOutTest {

    /** The bounds this server runs with: destinations rung a minute, calls out per server and per room. */
    static final int INVITES_PER_MINUTE = 3;
    static final int MAX_DIALS = 2;
    static final int MAX_ROOM_DIALS = 1;
    /** How long a call rings out before Atrium cancels it (the concurrency test waits for that). */
    static final int RING_SECONDS = 10;

    TestServer server;
    int sipPort;
    int trunkPort;
    final List<RpcClient> clients = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        sipPort = Sipp.freePort();
        trunkPort = Sipp.freePort();
        AtriumConfig.Trunk trunk = new AtriumConfig.Trunk("carrier", "127.0.0.1:" + trunkPort, "udp", null, null, "+4930999",
                Map.of());
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-dialout-"));
        server = TestServer.start(c.withSip(new AtriumConfig.Sip(true, "127.0.0.1", sipPort, "", "atrium", 1, 3600, 100,
                RING_SECONDS, 0, 0, List.of("MD5"), List.of(trunk)).withInviteLimits(INVITES_PER_MINUTE, MAX_DIALS, MAX_ROOM_DIALS)));
        for (String[] u : new String[][] {{"alice", "1001"}, {"bob", "1002"}, {"carol", "1003"}, {"dave", "1004"}, {"erin", "1005"},
                {"frank", null}, {"grace", "1006"}}) {
            assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"" + u[0] + "\",\"password\":\"" + u[0] + "-password\""
                    + (u[1] == null ? "" : ",\"sip_extension\":\"" + u[1] + "\"") + "}}").status()).isEqualTo(201);
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RpcClient::close);
        clients.clear();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String userId(String username) {
        return server.get("/v1/users").json().get("users").findParents("username").stream()
                .filter(u -> u.get("username").asText().equals(username)).findFirst().orElseThrow().get("uuid").asText();
    }

    /** A socket watching a new room as its admin with a token the operator minted for directory user {@code username}. */
    private RpcClient adminOf(String username) {
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"dial-out " + username + "\"}}").json().at("/room/uuid").asText();
        return watching(server.token(room, "\"identity\": \"" + username + "\", \"user_id\": \"" + userId(username)
                + "\", \"admin\": true"));
    }

    /** A socket watching a new contract 003 session with its control token (an admin, anonymous), as any stranger can. */
    private RpcClient facadeAdmin() {
        TestServer.Response session = server.send("POST", "/api/video-call/session", "{}", null);
        assertThat(session.status()).as(session.body()).isEqualTo(200);
        return watching(session.json().get("control_token").asText());
    }

    private RpcClient watching(String token) {
        RpcClient client = RpcClient.connect(server);
        clients.add(client);
        client.call("watch_room", Map.of("auth_token", token));
        return client;
    }

    static void assertError(JsonNode response, int code, String message) {
        assertThat(response.has("error")).as(response.toString()).isTrue();
        assertThat(response.at("/error/code").asInt()).as(response.toString()).isEqualTo(code);
        assertThat(response.at("/error/message").asText()).startsWith(message);
    }

    @Test
    void anAnonymousAdminTokenCannotDialOutButADirectoryUsersCan() {
        try (Sipp carrier = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-decline.part")), sipPort, trunkPort)
                .listening()) {
            RpcClient stranger = facadeAdmin();
            assertError(stranger.request("invite_exten", Map.of("extens", List.of("1002", "09001234567"))), 403,
                    "not allowed to dial out: 09001234567 is no extension, and only a directory user with a SIP extension"
                            + " may invite numbers through the trunk");
            // a directory user without an extension has no right to the trunk either
            assertError(adminOf("frank").request("invite_exten", Map.of("extens", List.of("09001234567"))), 403,
                    "not allowed to dial out");
            // alice (extension 1001) may: her invite is the first INVITE the carrier sees
            RpcClient alice = adminOf("alice");
            JsonNode invited = alice.call("invite_exten", Map.of("extens", List.of("07555000111")));
            assertThat(invited.at("/invited/0/destination").asText()).isEqualTo("07555000111");
            assertThat(alice.await("room_invite_reject").get("reason").asText()).isEqualTo("declined");
            assertOk(carrier.await());
            assertThat(carrier.messages()).contains("INVITE sip:07555000111@127.0.0.1:" + trunkPort).doesNotContain("09001234567");
        }
    }

    @Test
    void destinationsThatAreNoDialStringsAreRefused() {
        RpcClient carol = adminOf("carol");
        for (String bad : List.of("1234@evil.example", "0900;transport=tcp", "+49 30 123", "sip:1002", "123456789012345678901234567890123")) {
            assertError(carol.request("invite_exten", Map.of("extens", List.of("1002", bad))), 400,
                    "invalid destination '" + bad + "': a destination is an extension or a number, digits, * # + (1 to 32)");
        }
        assertThat(carol.call("invite_exten", Map.of("extens", List.of("1002"))).at("/failed/0/reason").asText())
                .isEqualTo("not registered");
    }

    /**
     * dave's room rings one number out (its bound): a second is refused until the first stops ringing; erin's room rings
     * one more (the server's bound of two), so alice's is refused; once both stopped ringing, a call rings out again.
     */
    @Test
    void callsRingingOutAreBoundedPerRoomAndPerServer() {
        try (Sipp carrier = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-ring.part")), sipPort, trunkPort,
                "-m", "2").listening()) {
            RpcClient dave = adminOf("dave");
            dave.call("invite_exten", Map.of("extens", List.of("0301111")));
            assertError(dave.request("invite_exten", Map.of("extens", List.of("0302222"))), 429,
                    "too many calls out through the trunk: at most 1 for a room at once");
            RpcClient erin = adminOf("erin");
            erin.call("invite_exten", Map.of("extens", List.of("0303333")));
            assertError(adminOf("alice").request("invite_exten", Map.of("extens", List.of("0304444"))), 429,
                    "too many calls out through the trunk: at most 2 on this server at once");
            assertThat(dave.await("room_invite_reject").get("reason").asText()).isEqualTo("no answer");
            assertThat(erin.await("room_invite_reject").get("reason").asText()).isEqualTo("no answer");
            assertOk(carrier.await());
            assertThat(carrier.messages()).contains("INVITE sip:0301111@").contains("INVITE sip:0303333@")
                    .doesNotContain("0302222").doesNotContain("0304444");
        }
        try (Sipp carrier = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-decline.part")), sipPort, trunkPort)
                .listening()) {
            RpcClient dave = adminOf("dave");
            dave.call("invite_exten", Map.of("extens", List.of("0302222")));
            assertThat(dave.await("room_invite_reject").get("reason").asText()).isEqualTo("declined");
            assertOk(carrier.await());
        }
    }

    /**
     * An answered call out holds its slot too (docs/SECURITY.md, finding 25: it is what costs): while grace's number talks
     * in her room (a SIP member), a second number is refused as while it rang; once the call ended (removed by grace),
     * a number rings out again.
     */
    @Test
    void anAnsweredCallOutCountsUntilItEnds() {
        RpcClient grace = adminOf("grace");
        try (Sipp carrier = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-answer.part"), "MEDIA_PORT",
                "40062"), sipPort, trunkPort).listening()) {
            String callId = grace.call("invite_exten", Map.of("extens", List.of("0305555"))).at("/invited/0/bridge_id").asText();
            assertThat(grace.await("member_join_room").get("id").asText()).as("the answered number in the room")
                    .isEqualTo(callId);
            assertError(grace.request("invite_exten", Map.of("extens", List.of("0306666"))), 429,
                    "too many calls out through the trunk: at most 1 for a room at once (1 now)");
            grace.call("remove_member", Map.of("member", callId));
            assertOk(carrier.await()); // Atrium's BYE: the call ended
            assertThat(carrier.messages()).doesNotContain("0306666");
        }
        try (Sipp carrier = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-decline.part")), sipPort, trunkPort)
                .listening()) {
            grace.call("invite_exten", Map.of("extens", List.of("0306666")));
            assertThat(grace.await("room_invite_reject").get("reason").asText()).isEqualTo("declined");
            assertOk(carrier.await());
        }
    }

    /**
     * A stranger rings extension 1002 (an app of bob's registered) from facade sessions: the rings a minute are bounded
     * by the stranger's address, so a new session (a new room and token) does not start over.
     */
    @Test
    void strangersRingExtensionsAtMostSoOftenAMinute() {
        RpcClient app = RpcClient.connect(server);
        clients.add(app);
        app.call("register_room_api", Map.of("username", "bob", "password", "bob-password"));
        RpcClient stranger = facadeAdmin();
        for (int i = 0; i < INVITES_PER_MINUTE; i++) {
            JsonNode invited = stranger.call("invite_exten", Map.of("extens", List.of("1002")));
            assertThat(invited.at("/invited/0/destination").asText()).as(invited.toString()).isEqualTo("1002");
            app.await("room_invite");
        }
        assertError(stranger.request("invite_exten", Map.of("extens", List.of("1002"))), 429,
                "too many invites: at most 3 destinations rung a minute per inviter and per room; retry in ");
        assertError(facadeAdmin().request("invite_exten", Map.of("extens", List.of("1002"))), 429, "too many invites");
    }
}
