package io.atrium.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.Compat;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Contract 001 over HTTP and the room protocol: every endpoint, every documented status with its
 * bare-string body byte for byte, CORS on every response, admin authentication, meeting ids, and the
 * waiting document that opens when an admin joins and closes when the room ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeetingsContractTest {

    static final String ADMIN_PASSCODE = "admin-passcode-for-tests";
    static final String NOT_FOUND = "\"Error: couldn't find your meeting room. Please go to admin and create it first.\"";

    TestServer server;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        // the wrong ids here are the contract's errors, not guessing (FacadeRateLimitTest has the limits)
        AtriumConfig c = TestServer.generousLimits(TestServer.config(Db.H2, Files.createTempDirectory("atrium-meetings-")));
        server = TestServer.start(c.withCompat(new Compat(null, new Compat.Meetings(6, ADMIN_PASSCODE))));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        open.clear();
    }

    TestServer.Response admin(String path, String body) {
        return server.send("POST", path, body, TestServer.BASIC);
    }

    TestServer.Response user(String path, String body) {
        return server.send("POST", path, body, null);
    }

    static void assertBare(TestServer.Response r, int status, String body) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    }

    String meeting() {
        return admin("/admin/create", "{}").json().get("meeting_id").asText(); // a number; its text
    }

    @Test
    void createGivesUniqueIdsOfNDigits() {
        TestServer.Response r = admin("/admin/create", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        // the document: { meeting_id : 123456 } — a JSON number, so never a leading zero
        assertThat(r.json().get("meeting_id").isIntegralNumber()).as(r.body()).isTrue();
        assertThat(r.json().get("meeting_id").asText()).matches("[1-9][0-9]{5}");
        assertThat(admin("/admin/create", "{\"n_digits\": 9}").json().get("meeting_id").asText()).matches("[1-9][0-9]{8}");
        assertThat(admin("/admin/create", "{\"n_digits\": \"3\"}").json().get("meeting_id").asText()).matches("[1-9][0-9]{2}");
        assertThat(admin("/admin/create", "{\"n_digits\": 15}").json().get("meeting_id").asLong()).isBetween(100_000_000_000_000L,
                999_999_999_999_999L);
        // one digit: nine ids at most (1-9), each unique, then the documented 500
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 9; i++) {
            TestServer.Response one = admin("/admin/create", "{\"n_digits\": 1}");
            assertThat(one.status()).isEqualTo(200);
            assertThat(ids.add(one.json().get("meeting_id").asText())).isTrue();
        }
        assertBare(admin("/admin/create", "{\"n_digits\": 1}"), 500, "\"Error: couldn't create the new meeting\"");
        assertBare(admin("/admin/create", "{\"n_digits\": 0}"), 400, "\"Error: n_digits must be an integer from 1 to 15\"");
        assertBare(admin("/admin/create", "{\"n_digits\": 16}"), 400, "\"Error: n_digits must be an integer from 1 to 15\"");
        assertBare(admin("/admin/create", "{\"n_digits\": \"six\"}"), 400, "\"Error: n_digits must be an integer from 1 to 15\"");
    }

    /** Every request takes meeting_id as the number /admin/create returns, or as its text. */
    @Test
    void everyRequestTakesTheMeetingIdAsANumberOrAString() {
        long id = admin("/admin/create", "{}").json().get("meeting_id").asLong();
        JsonNode waitingByNumber = user("/user/enter-waiting-room", "{\"meeting_id\":" + id + "}").json();
        assertThat(waitingByNumber.get("document").asText()).isEqualTo(Long.toString(id));
        JsonNode waitingByText = user("/user/enter-waiting-room", "{\"meeting_id\":\"" + id + "\"}").json();
        JsonNode opened = admin("/admin/join", "{\"meeting_id\":" + id + "}").json();
        assertThat(admin("/admin/join", "{\"meeting_id\":\"" + id + "\"}").json().get("room_id")).isEqualTo(opened.get("room_id"));
        String room = opened.get("room_id").asText();
        for (JsonNode waiting : List.of(waitingByNumber, waitingByText)) {
            String identity = waiting.get("identity").asText();
            TestServer.Response byNumber = user("/user/join", "{\"meeting_id\":" + id + ",\"room_id\":\"" + room
                    + "\",\"identity\":\"" + identity + "\"}");
            assertThat(byNumber.status()).as(byNumber.body()).isEqualTo(200);
            assertThat(user("/user/join", "{\"meeting_id\":\"" + id + "\",\"room_id\":\"" + room + "\",\"identity\":\""
                    + identity + "\"}").status()).isEqualTo(200);
        }
    }

    @Test
    void adminEndpointsNeedCredentialsOrThePasscode() {
        String forbidden = "\"Error: you have not been authorized.\"";
        for (String path : List.of("/admin/create", "/admin/join")) {
            for (String header : new String[] {null, "wrong", "Basic dGVzdC1rZXk6d3Jvbmc=", "Bearer x." + ADMIN_PASSCODE}) {
                assertBare(server.send("POST", path, "{\"meeting_id\":\"123456\"}", header), 403, forbidden);
            }
        }
        assertThat(server.send("POST", "/admin/create", "{}", ADMIN_PASSCODE).status()).isEqualTo(200);
        assertThat(server.send("POST", "/admin/create", "{}", "Bearer " + ADMIN_PASSCODE).status()).isEqualTo(200);
        assertThat(server.send("POST", "/admin/create", "{}", TestServer.BASIC).status()).isEqualTo(200);
    }

    @Test
    void missingParametersAndUnknownMeetings() {
        assertBare(admin("/admin/join", "{}"), 400, "\"Error: Missing meeting_id\"");
        assertBare(admin("/admin/join", "{\"meeting_id\":\"000000000000000000000\"}"), 404, NOT_FOUND);
        assertBare(admin("/admin/join", "{\"meeting_id\":\"x\"}"), 404, NOT_FOUND);
        assertBare(user("/user/enter-waiting-room", "{}"), 400, "\"Error: Missing meeting_id\"");
        assertBare(user("/user/enter-waiting-room", "{\"meeting_id\":\"nope\"}"), 404, NOT_FOUND);
        assertBare(user("/user/join", "{}"), 400, "\"Error: Missing meeting_id\"");
        assertBare(user("/user/join", "{\"meeting_id\":\"1\"}"), 400, "\"Error: Missing room_id\"");
        assertBare(user("/user/join", "{\"meeting_id\":\"1\",\"room_id\":\"r\"}"), 400, "\"Error: Missing identity\"");
        assertBare(user("/user/join", "{\"meeting_id\":\"1\",\"room_id\":\"r\",\"identity\":\"i\"}"), 404, NOT_FOUND);
    }

    @Test
    void corsOnEveryResponseAndPreflight() {
        for (String path : List.of("/admin/create", "/admin/join", "/user/enter-waiting-room", "/user/join")) {
            TestServer.Response pre = server.send("OPTIONS", path, null, null);
            assertThat(pre.status()).isEqualTo(204);
            assertThat(pre.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(pre.raw().headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
            assertThat(pre.raw().headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization");
        }
        TestServer.Response unknown = server.send("POST", "/user/nothing", "{}", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    @Test
    void waitingUsersJoinWhenTheAdminOpensTheRoom() throws Exception {
        String id = meeting();
        // a user waits: fresh identity, a token that reads the document and nothing else
        JsonNode waiting = user("/user/enter-waiting-room", "{\"meeting_id\":\"" + id + "\"}").json();
        assertThat(waiting.get("document").asText()).isEqualTo(id);
        String identity = waiting.get("identity").asText();
        assertThat(identity).matches("[0-9a-f-]{36}");
        assertThat(server.send("POST", "/user/enter-waiting-room", "meeting_id=" + id, "application/x-www-form-urlencoded", null).json().get("identity").asText()).isNotEqualTo(identity);
        String waitToken = waiting.get("token").asText();
        JsonNode claims = LiveStreamContractTest.claims(waitToken);
        assertThat(claims.at("/grants/state").toString()).isEqualTo("[\"" + id + "\"]");
        assertThat(claims.at("/grants/publish").asBoolean()).isFalse();
        assertThat(claims.at("/grants/subscribe").asBoolean()).isFalse();

        RpcClient waiter = RpcClient.connect(server);
        open.add(waiter);
        JsonNode snapshot = waiter.call("subscribe_state", Map.of("auth_token", waitToken, "names", List.of(id)));
        assertThat(snapshot.at("/state/" + id).toString()).isEqualTo("{\"type\":\"document\",\"value\":{\"meeting_id\":\"" + id + "\"}}");
        String room = snapshot.get("room").asText();
        // that token can neither join, watch nor read other state
        assertThat(waiter.request("join_room", Map.of("auth_token", waitToken)).at("/error/code").asInt()).isEqualTo(403);
        assertThat(waiter.request("watch_room", Map.of("auth_token", waitToken)).at("/error/code").asInt()).isEqualTo(403);
        assertThat(waiter.request("subscribe_state", Map.of("auth_token", waitToken, "names", List.of("other"))).at("/error/code").asInt())
                .isEqualTo(403);
        // not open yet: user/join is 404
        assertBare(user("/user/join", "{\"meeting_id\":\"" + id + "\",\"room_id\":\"" + room + "\",\"identity\":\"" + identity + "\"}"),
                404, NOT_FOUND);

        // the admin joins: the room opens and the waiting user learns it from the document
        JsonNode adminJoin = server.send("POST", "/admin/join", "{\"meeting_id\":\"" + id + "\"}", ADMIN_PASSCODE).json();
        assertThat(adminJoin.get("room_id").asText()).isEqualTo(room);
        assertThat(adminJoin.get("video_params").toString()).isEqualTo("{\"room_id\":\"" + room + "\",\"identity\":\""
                + adminJoin.get("identity").asText() + "\",\"token\":\"" + adminJoin.get("token").asText() + "\"}");
        assertThat(LiveStreamContractTest.claims(adminJoin.get("token").asText()).get("admin").asBoolean()).isTrue();
        JsonNode opened = waiter.await("state_changed");
        assertThat(opened.toString()).isEqualTo("{\"room\":\"" + room + "\",\"name\":\"" + id + "\",\"type\":\"document\",\"value\":"
                + "{\"meeting_id\":\"" + id + "\",\"room_id\":\"" + room + "\"}}");
        // a later admin join reuses the room
        assertThat(admin("/admin/join", "{\"meeting_id\":\"" + id + "\"}").json().get("room_id").asText()).isEqualTo(room);

        // wrong room_id: 404; an identity that never waited: 403; the waiting one: a token for the room
        assertBare(user("/user/join", "{\"meeting_id\":\"" + id + "\",\"room_id\":\"other\",\"identity\":\"" + identity + "\"}"),
                404, NOT_FOUND);
        assertBare(user("/user/join", "{\"meeting_id\":\"" + id + "\",\"room_id\":\"" + room + "\",\"identity\":\"stranger\"}"),
                403, "\"Error: you have not been authorized.\"");
        TestServer.Response joined = user("/user/join", "{\"meeting_id\":\"" + id + "\",\"room_id\":\"" + room + "\",\"identity\":\""
                + identity + "\",\"name\":\"Ann\"}");
        assertThat(joined.status()).isEqualTo(200);
        assertThat(joined.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(joined.json().get("room_id").asText()).isEqualTo(room);
        assertThat(joined.json().get("identity").asText()).isEqualTo(identity);
        JsonNode userClaims = LiveStreamContractTest.claims(joined.json().get("token").asText());
        assertThat(userClaims.get("sub").asText()).isEqualTo(identity);
        assertThat(userClaims.get("name").asText()).isEqualTo("Ann");
        assertThat(userClaims.get("admin").asBoolean()).isFalse();

        // the user joins with media and leaves: the room ends and room_id leaves the document
        RpcClient member = RpcClient.connect(server);
        open.add(member);
        JavaPeer peer = new JavaPeer();
        open.add(peer);
        peer.connect(member.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", joined.json().get("token").asText()))
                .get("sdp").asText());
        member.call("leave_room", Map.of());
        JsonNode closed = waiter.await("state_changed");
        assertThat(closed.toString()).isEqualTo("{\"room\":\"" + room + "\",\"name\":\"" + id + "\",\"type\":\"document\",\"value\":"
                + "{\"meeting_id\":\"" + id + "\"}}");
        assertBare(user("/user/join", "{\"meeting_id\":\"" + id + "\",\"room_id\":\"" + room + "\",\"identity\":\"" + identity + "\"}"),
                404, NOT_FOUND);
        // the meeting survives a restart (stored), and its document starts closed again
        server.restart();
        JsonNode after = user("/user/enter-waiting-room", "{\"meeting_id\":\"" + id + "\"}").json();
        assertThat(after.get("document").asText()).isEqualTo(id);
    }
}
