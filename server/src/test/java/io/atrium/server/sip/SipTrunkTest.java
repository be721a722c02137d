package io.atrium.server.sip;

import static io.atrium.server.sip.SipRegistrarTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.auth.SipDigests;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.time.Duration;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A trunk played by SIPp: outbound calls to numbers that are no extension, inbound calls to a mapped
 * number, a room inviting a number; a trunk that challenges (401/407) gets the INVITE again with the
 * digest of its {@code sip.trunks} credentials (checked here against the challenge). A phone's call out that goes
 * with the trunk's {@code caller_id} is still its user's to turn into a room; a trunk's caller whose From names an
 * extension is not that extension's user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipTrunkTest {

    static final String TRUNK_USER = "atrium-at-carrier";
    static final String TRUNK_PASSWORD = "trunk-secret";

    TestServer server;
    int sipPort;
    int trunkPort;
    /** A second trunk's port, one configured for TCP (a PBX): calls from it map +4930555 to carol's 1003. */
    int pbxPort;

    @BeforeAll
    void start() throws Exception {
        sipPort = Ports.free();
        trunkPort = Ports.free();
        pbxPort = Ports.free();
        AtriumConfig.Trunk pbx = new AtriumConfig.Trunk("pbx", "127.0.0.1:" + pbxPort, "tcp", null, null, null, Map.of("+4930555", "1003"));
        AtriumConfig.Trunk trunk = new AtriumConfig.Trunk("carrier", "127.0.0.1:" + trunkPort, "udp", TRUNK_USER, TRUNK_PASSWORD, "+4930999",
                Map.of("+4930123", "1002"));
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-trunk-"));
        // its calls carry no media: a long media timeout, so that no call is ended as silent while a test holds it
        c = new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(), new AtriumConfig.Rooms(300, 15, 262_144, 50));
        server = TestServer.start(c.withSip(new AtriumConfig.Sip(true, "127.0.0.1", sipPort, "", "atrium", 1, 3600, 100,
                10, 0, 0, List.of("MD5"), List.of(trunk, pbx))));
        for (String[] u : new String[][] {{"alice", "1001"}, {"bob", "1002"}, {"carol", "1003"}}) {
            assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"" + u[0] + "\",\"password\":\"" + u[0]
                    + "-password\",\"sip_extension\":\"" + u[1] + "\"}}").status()).isEqualTo(201);
        }
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void numbersThatAreNoExtensionGoOutThroughTheTrunkWithItsCallerId() {
        try (Sipp carrier = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-answer.part"),
                     "MEDIA_PORT", "40020"), sipPort, trunkPort, "-t", "u1").listening();
             Sipp caller = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-answered.part"), "FROM", "1001",
                     "MEDIA_PORT", "40022", "HOLD", "200"), sipPort, "-t", "u1", "-s", "5551234", "-au", "alice",
                     "-ap", "alice-password")) {
            assertOk(caller.await());
            assertOk(carrier.await());
            assertThat(carrier.messages()).contains("INVITE sip:5551234@127.0.0.1:" + trunkPort)
                    .contains("<sip:+4930999@127.0.0.1>");
        }
    }

    /** The carrier answers after challenging with {@code challenge} (e.g. {@code 407 Proxy Authentication Required}) in {@code header}. */
    Sipp challengingCarrier(String challenge, String header, int mediaPort) {
        return Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-challenge.part"), "CHALLENGE", challenge,
                "CHALLENGE_HEADER", header, "ANSWER", Sipp.resource("callee-answer.part"), "MEDIA_PORT", String.valueOf(mediaPort)),
                sipPort, trunkPort, "-t", "u1").listening();
    }

    /** The INVITE the carrier got second carries {@code header} with the right digest for its challenge. */
    static void assertDigest(String messages, String header) {
        Matcher h = Pattern.compile("\n\\s*" + header + ": Digest (.*)").matcher(messages);
        assertThat(h.find()).as(header + " in:\n" + messages).isTrue();
        Map<String, String> p = new HashMap<>();
        Matcher kv = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]*))").matcher(h.group(1));
        while (kv.find()) {
            p.put(kv.group(1).toLowerCase(Locale.ROOT), kv.group(2) != null ? kv.group(2) : kv.group(3));
        }
        assertThat(p).containsEntry("username", TRUNK_USER).containsEntry("realm", "carrier").containsEntry("nonce", "c4f1d2e3b4a5");
        String ha1 = SipDigests.hash(SipDigests.MD5, TRUNK_USER + ":carrier:" + TRUNK_PASSWORD);
        assertThat(p.get("response")).as("the digest response").isEqualTo(SipDigests.response(SipDigests.MD5, ha1, "INVITE", p.get("uri"),
                p.get("nonce"), p.get("nc"), p.get("cnonce"), p.get("qop")));
    }

    @Test
    void aPhonesCallThroughATrunkThatChallengesIsSentAgainWithTheTrunksCredentials() {
        try (Sipp carrier = challengingCarrier("407 Proxy Authentication Required", "Proxy-Authenticate", 40032);
             Sipp caller = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-answered.part"), "FROM", "1001",
                     "MEDIA_PORT", "40034", "HOLD", "200"), sipPort, "-t", "u1", "-s", "5559876", "-au", "alice",
                     "-ap", "alice-password")) {
            assertOk(caller.await());
            assertOk(carrier.await());
            assertDigest(carrier.messages(), "Proxy-Authorization");
        }
    }

    @Test
    void callsFromTheTrunkToAMappedNumberRingTheExtension() {
        int phone = Ports.free();
        try (Sipp reg = Sipp.start("register.xml", Map.of("FINAL", "200", "EXPIRES", "300"), sipPort, phone,
                "-t", "u1", "-s", "1002", "-au", "bob", "-ap", "bob-password")) {
            assertOk(reg.await());
        }
        try (Sipp bob = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-answer.part"),
                     "MEDIA_PORT", "40024"), sipPort, phone, "-t", "u1").listening();
             Sipp carrier = Sipp.start("trunk-call.xml", Map.of("OUTCOME", Sipp.resource("caller-answered.part"),
                     "FROM", "+4917012345", "MEDIA_PORT", "40026", "HOLD", "200"), sipPort, trunkPort, "-t", "u1",
                     "-s", "+4930123")) {
            assertOk(carrier.await());
            assertOk(bob.await());
            assertThat(bob.messages()).contains("<sip:+4917012345@127.0.0.1>");
        }
        // a number the trunk has no mapping for
        assertOk(Sipp.run("trunk-call.xml", Map.of("OUTCOME", Sipp.resource("caller-refused.part"), "STATUS", "404", "FROM", "+4917012345", "MEDIA_PORT", "40028"), sipPort, trunkPort,
                "-t", "u1", "-s", "+4930777"));
    }

    /**
     * Alice's phone calls a number; it goes out with the trunk's {@code caller_id} (+4930999), so the call's {@code from}
     * is not her extension. It is still her call: her app turns it into a room (before, {@code 403 not a party to this
     * call}: the From decided who called), she is the room's admin and the number one of its members.
     */
    @Test
    void aPhonesCallOutWithTheTrunksCallerIdIsStillItsUsersToTurnIntoARoom() {
        try (RpcClient app = RpcClient.connect(server);
             Sipp carrier = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-answer.part"),
                     "MEDIA_PORT", "40040"), sipPort, trunkPort, "-t", "u1").listening();
             Sipp alice = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-answered.part"), "FROM", "1001",
                     "MEDIA_PORT", "40042", "HOLD", "50000"), sipPort, "-t", "u1", "-s", "5550100", "-au", "alice",
                     "-ap", "alice-password")) {
            app.call("register_room_api", Map.of("username", "alice", "password", "alice-password"));
            JsonNode call = answered("5550100", alice);
            assertThat(call.get("from").asText()).isEqualTo("+4930999");
            JsonNode converted = app.call("convert_to_room", Map.of("call_id", call.get("call_id").asText()));
            try (RpcClient admin = RpcClient.connect(server)) {
                admin.call("watch_room", Map.of("auth_token", converted.get("auth_token").asText()));
                Waits.waitUntil(() -> admin.call("get_room_members", Map.of()).findValuesAsText("name").contains("5550100"),
                        "the number in the room");
                String number = admin.call("get_room_members", Map.of()).findParents("name").stream()
                        .filter(m -> m.get("name").asText().equals("5550100")).findFirst().orElseThrow().get("id").asText();
                admin.call("remove_member", Map.of("member", number)); // only the room's admin may
                assertOk(carrier.await());
            }
            alice.hangUp();
            assertOk(alice.await());
        }
    }

    /**
     * A call from the trunk whose From is alice's extension (1001, as any caller may present) to bob: the call's caller
     * is no user, so alice's app cannot take it into a room ({@code 403}; before, the From made her its caller).
     */
    @Test
    void aTrunkCallerPresentingAnExtensionIsNotThatExtensionsUser() {
        int phone = Ports.free();
        try (Sipp reg = Sipp.start("register.xml", Map.of("FINAL", "200", "EXPIRES", "300"), sipPort, phone,
                "-t", "u1", "-s", "1002", "-au", "bob", "-ap", "bob-password")) {
            assertOk(reg.await());
        }
        try (RpcClient app = RpcClient.connect(server);
             Sipp bob = Sipp.start("callee.xml", Map.of("OUTCOME", Sipp.resource("callee-answer.part"),
                     "MEDIA_PORT", "40044"), sipPort, phone, "-t", "u1").listening();
             Sipp carrier = Sipp.start("trunk-call.xml", Map.of("OUTCOME", Sipp.resource("caller-answered.part"),
                     "FROM", "1001", "MEDIA_PORT", "40046", "HOLD", "50000"), sipPort, trunkPort, "-t", "u1", "-s", "+4930123")) {
            app.call("register_room_api", Map.of("username", "alice", "password", "alice-password"));
            JsonNode call = answered("1002", carrier);
            assertThat(call.get("from").asText()).isEqualTo("1001");
            JsonNode refused = app.request("convert_to_room", Map.of("call_id", call.get("call_id").asText()));
            assertThat(refused.at("/error/code").asInt()).as(refused.toString()).isEqualTo(403);
            assertThat(refused.at("/error/message").asText()).isEqualTo("not a party to this call");
            carrier.hangUp();
            assertOk(carrier.await());
            assertOk(bob.await());
        }
    }

    /** Once {@code caller} ACKed the answer, the call to {@code to} as {@code GET /v1/sip/calls} lists it. */
    private JsonNode answered(String to, Sipp caller) {
        Waits.waitUntil(() -> caller.messages().contains("CSeq: 2 ACK"), "the call to be answered",
                Duration.ofSeconds(Sipp.TIMEOUT_SECONDS));
        return server.get("/v1/sip/calls").json().get("calls").findParents("to").stream()
                .filter(c -> c.get("to").asText().equals(to)).findFirst().orElseThrow();
    }

    /**
     * Calls from a trunk need no digest, so a trunk configured for TCP is known over TCP only (docs/SECURITY.md,
     * finding 26): over UDP anyone can forge its address and port, and such an INVITE is a stranger's, challenged.
     */
    @Test
    void aTrunkConfiguredForTcpIsNotTakenForOneOverUdp() {
        // over TCP, from any port of its host, it is the trunk: +4930555 rings 1003, which has no phone (480)
        assertOk(Sipp.run("trunk-call.xml", Map.of("OUTCOME", Sipp.resource("caller-refused.part"), "STATUS", "480",
                "FROM", "+4917012345", "MEDIA_PORT", "40034"), sipPort, "-t", "t1", "-s", "+4930555"));
        // over UDP from its very address and port, as a forger would send it: challenged like any phone
        assertOk(Sipp.run("trunk-call.xml", Map.of("OUTCOME", Sipp.resource("caller-refused.part"), "STATUS", "401",
                "FROM", "+4917012345", "MEDIA_PORT", "40034"), sipPort, pbxPort, "-t", "u1", "-s", "+4930555"));
    }

    @Test
    void aRoomInvitesANumberThatIsNoExtensionThroughATrunkThatChallenges() {
        String alice = server.get("/v1/users").json().get("users").findParents("username").stream()
                .filter(u -> u.get("username").asText().equals("alice")).findFirst().orElseThrow().get("uuid").asText();
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"trunk invite\",\"members\":[{\"user_id\":\"" + alice
                + "\",\"admin\":true}]}}").json().at("/room/uuid").asText();
        try (io.atrium.server.testing.RpcClient host = io.atrium.server.testing.RpcClient.connect(server);
             io.atrium.server.testing.JavaPeer peer = new io.atrium.server.testing.JavaPeer();
             Sipp carrier = challengingCarrier("401 Unauthorized", "WWW-Authenticate", 40030)) {
            String token = host.call("authenticate", Map.of("room", room, "call_id", "alice-1", "username", "alice",
                    "password", "alice-password")).get("auth_token").asText();
            peer.connect(host.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token)).get("sdp").asText());
            com.fasterxml.jackson.databind.JsonNode result = host.call("invite_exten", Map.of("extens", List.of("07555666888")));
            String callId = result.at("/invited/0/bridge_id").asText();
            com.fasterxml.jackson.databind.JsonNode joined = host.await("member_join_room");
            assertThat(joined.get("id").asText()).isEqualTo(callId);
            assertThat(joined.get("is_sip").asBoolean()).isTrue();
            assertThat(joined.get("name").asText()).isEqualTo("07555666888");
            assertThat(carrier.messages()).contains("INVITE sip:07555666888@127.0.0.1:" + trunkPort);
            assertDigest(carrier.messages(), "Authorization"); // the carrier challenged the room's call
            host.call("remove_member", Map.of("member", callId));
            assertOk(carrier.await()); // Atrium's BYE
        }
    }

    /**
     * An operator maps a carrier's number to a room's dial-in number (kept in the database, so it is the
     * same after the restart that loads the new mapping): a caller from the trunk joins that room as a
     * phone member named by its caller id, and leaves it by hanging up.
     */
    @Test
    void aCallerFromTheTrunkLandsInTheRoomItsNumberIsMappedTo() throws Exception {
        int port = Ports.free();
        int carrierPort = Ports.free();
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-trunk-room-"));
        AtriumConfig.Sip sip = new AtriumConfig.Sip(true, "127.0.0.1", port, "", "atrium", 1, 3600, 100, 10, 0, 0, List.of("MD5"), List.of());
        String room;
        String number;
        try (TestServer first = TestServer.start(c.withSip(sip))) {
            room = first.post("/v1/rooms", "{\"room\":{\"name\":\"hotline\",\"open\":true}}").json().at("/room/uuid").asText();
            number = first.get("/v1/sip/rooms/" + room).json().get("number").asText();
        }
        AtriumConfig.Trunk trunk = new AtriumConfig.Trunk("carrier", "127.0.0.1:" + carrierPort, "udp", null, null, "+4930999",
                Map.of("+4930555", number));
        try (TestServer again = TestServer.start(c.withSip(new AtriumConfig.Sip(true, "127.0.0.1", port, "", "atrium", 1, 3600, 100, 10,
                0, 0, List.of("MD5"), List.of(trunk))));
             io.atrium.server.testing.RpcClient host = io.atrium.server.testing.RpcClient.connect(again);
             io.atrium.server.testing.JavaPeer peer = new io.atrium.server.testing.JavaPeer()) {
            assertThat(again.get("/v1/sip/rooms/" + room).json().get("number").asText()).as("the room kept its number").isEqualTo(number);
            String token = host.call("authenticate", Map.of("room", room, "call_id", "host")).get("auth_token").asText();
            peer.connect(host.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token)).get("sdp").asText());
            try (Sipp carrier = Sipp.start("trunk-call.xml", Map.of("OUTCOME", Sipp.resource("caller-answered.part"),
                    "FROM", "+4917055555", "MEDIA_PORT", "40032", "HOLD", "60000"), port, carrierPort, "-t", "u1", "-s", "+4930555")) {
                com.fasterxml.jackson.databind.JsonNode joined = host.await("member_join_room");
                assertThat(joined.get("is_sip").asBoolean()).isTrue();
                assertThat(joined.get("name").asText()).as("named by the caller id's display name").isEqualTo("Carrier");
                carrier.hangUp();
                assertOk(carrier.await());
                assertThat(host.await("member_leave_room").get("member").asText()).isEqualTo(joined.get("id").asText());
            }
        }
    }
}
