package io.atrium.server.sip;

import static io.atrium.server.sip.SipRegistrarTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
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
 * extensions per inviter, room and anonymous address, each with a clear JSON-RPC error. Phones' own calls out through the
 * trunk count against the server's bound too (their excess gets {@code 486}), also once turned into a room.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipDialOutTest {

    /** The bounds this server runs with: destinations rung a minute, calls out per server and per room. */
    static final int INVITES_PER_MINUTE = 3;
    static final int MAX_DIALS = 2;
    static final int MAX_ROOM_DIALS = 1;
    /**
     * How long a call rings out before Atrium cancels it ({@code sip.ring_timeout_seconds}, default 60): the concurrency
     * test waits for that, within {@link RpcClient#await}'s 10 s, so half of it; its refusals take milliseconds.
     */
    static final int RING_SECONDS = 5;

    TestServer server;
    int sipPort;
    int trunkPort;
    final List<RpcClient> clients = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        sipPort = Ports.free();
        trunkPort = Ports.free();
        // no caller id: a phone's call out goes with its extension, by which convert_to_room knows the caller
        AtriumConfig.Trunk trunk = new AtriumConfig.Trunk("carrier", "127.0.0.1:" + trunkPort, "udp", null, null, null,
                Map.of());
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-dialout-"));
        // its calls carry no media: a long media timeout, so that no call is ended as silent while a test holds it
        c = new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(), new AtriumConfig.Rooms(300, 15, 262_144, 50));
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
     * A phone's own call out through the trunk counts against {@code sip.max_outbound_dials} as a room's call out does,
     * from its INVITE until it ends (docs/SIP.md, "Who may dial out"): while alice's and bob's phones talk to numbers (the
     * server's bound of two), carol's phone gets {@code 486} with the bound's text and the carrier never sees her number,
     * and dave's room, which has no call out (its own bound of one is not what refuses it), gets {@code 429}; once
     * alice hung up, erin's phone calls out again.
     */
    @Test
    void aPhonesOwnCallsOutCountAgainstTheServersBound() {
        String full = "too many calls out through the trunk: at most " + MAX_DIALS + " on this server at once";
        try (Sipp carrier = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-answer.part"), "MEDIA_PORT",
                "40070"), sipPort, trunkPort, "-m", "3").listening();
             Sipp alice = callingOut("alice", "1001", "0401111", 40072);
             Sipp bob = callingOut("bob", "1002", "0402222", 40074)) {
            talking(alice);
            talking(bob);
            try (Sipp carol = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-refused.part"), "STATUS", "486",
                    "FROM", "1003", "MEDIA_PORT", "40076"), sipPort, "-t", "u1", "-s", "0403333", "-au", "carol",
                    "-ap", "carol-password")) {
                assertOk(carol.await());
                assertThat(carol.messages()).contains("SIP/2.0 486 " + full).doesNotContain("Retry-After");
            }
            assertError(adminOf("dave").request("invite_exten", Map.of("extens", List.of("0404444"))), 429, full);
            alice.hangUp();
            assertOk(alice.await());
            Waits.waitUntil(() -> server.get("/v1/sip/calls").json().get("calls").size() == 1, "alice's call to end in Atrium");
            try (Sipp erin = callingOut("erin", "1005", "0405555", 40078)) {
                talking(erin);
                erin.hangUp();
                assertOk(erin.await());
            }
            bob.hangUp();
            assertOk(bob.await());
            assertOk(carrier.await());
            assertThat(carrier.messages()).contains("INVITE sip:0401111@").contains("INVITE sip:0402222@")
                    .contains("INVITE sip:0405555@").doesNotContain("0403333").doesNotContain("0404444");
        }
    }

    /**
     * A phone's call out that {@code convert_to_room} turned into a room keeps its slot while the number is in the room:
     * with bob's phone calling out as well (the bound of two), carol's gets {@code 486}; once alice, the room's admin,
     * removed the number, erin's phone calls out again.
     */
    @Test
    void aPhonesCallOutTurnedIntoARoomKeepsItsSlotUntilTheNumberLeaves() {
        RpcClient app = RpcClient.connect(server);
        clients.add(app);
        app.call("register_room_api", Map.of("username", "alice", "password", "alice-password"));
        try (Sipp carrier = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-answer.part"), "MEDIA_PORT",
                "40080"), sipPort, trunkPort, "-m", "3").listening();
             Sipp alice = callingOut("alice", "1001", "0407777", 40082)) {
            talking(alice);
            String callId = server.get("/v1/sip/calls").json().get("calls").findParents("to").stream()
                    .filter(c -> c.get("to").asText().equals("0407777")).findFirst().orElseThrow().get("call_id").asText();
            RpcClient admin = watching(app.call("convert_to_room", Map.of("call_id", callId)).get("auth_token").asText());
            Waits.waitUntil(() -> admin.call("get_room_members", Map.of()).findValuesAsText("name").contains("0407777"),
                    "the number in the room");
            String number = admin.call("get_room_members", Map.of()).findParents("name").stream()
                    .filter(m -> m.get("name").asText().equals("0407777")).findFirst().orElseThrow().get("id").asText();
            try (Sipp bob = callingOut("bob", "1002", "0408888", 40084)) {
                talking(bob);
                try (Sipp carol = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-refused.part"), "STATUS",
                        "486", "FROM", "1003", "MEDIA_PORT", "40086"), sipPort, "-t", "u1", "-s", "0403333", "-au", "carol",
                        "-ap", "carol-password")) {
                    assertOk(carol.await());
                }
                admin.call("remove_member", Map.of("member", number));
                assertThat(admin.await("member_leave_room").get("member").asText()).isEqualTo(number);
                try (Sipp erin = callingOut("erin", "1005", "0405555", 40088)) {
                    talking(erin);
                    erin.hangUp();
                    assertOk(erin.await());
                }
                bob.hangUp();
                assertOk(bob.await());
            }
            alice.hangUp();
            assertOk(alice.await());
            assertOk(carrier.await());
            assertThat(carrier.messages()).doesNotContain("0403333");
        }
    }

    /** {@code username}'s phone ({@code extension}) calls {@code number}, which the carrier answers, and talks until hung up. */
    private Sipp callingOut(String username, String extension, String number, int mediaPort) {
        return Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-answered.part"), "FROM", extension,
                "MEDIA_PORT", String.valueOf(mediaPort), "HOLD", "50000"), sipPort, "-t", "u1", "-s", number, "-au", username,
                "-ap", username + "-password");
    }

    /** Waits until {@code caller} ACKed the 200 OK to its INVITE (its call is answered and holds its slot). */
    private static void talking(Sipp caller) {
        Waits.waitUntil(() -> caller.messages().contains("CSeq: 2 ACK"), "the call to be answered",
                java.time.Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
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
