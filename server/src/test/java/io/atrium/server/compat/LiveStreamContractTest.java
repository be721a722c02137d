package io.atrium.server.compat;

import static io.atrium.server.testing.Waits.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.Compat;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Contract 000 over HTTP and the room protocol: every endpoint, every documented status and error
 * body (byte-exact where docs/CONTRACTS.md gives the text), and the state machine driven by real
 * joins and media connects (a Java WebRTC peer) and leaves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveStreamContractTest {

    static final String PASSCODE = "4815162342-live";
    static final String INCORRECT = "{\"error\":{\"message\":\"passcode incorrect\","
            + "\"explanation\":\"The passcode used to validate application users is incorrect.\"}}";

    TestServer server;
    final List<AutoCloseable> open = new ArrayList<>();

    static AtriumConfig config(String passcode, String expiresAt, int emptyTimeout) throws Exception {
        // the wrong passcodes here are the contract's errors, not guessing (FacadeRateLimitTest has the limits)
        return TestServer.generousLimits(TestServer.config(Db.H2, Files.createTempDirectory("atrium-live-")))
                .withCompat(new Compat(new Compat.Live(passcode, expiresAt, emptyTimeout), null));
    }

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(config(PASSCODE, "2999-01-01T00:00:00Z", 300));
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

    TestServer.Response post(String path, String body) {
        return server.send("POST", path, body, PASSCODE);
    }

    static String stream() {
        return "stream-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void assertError(TestServer.Response r, int status, String message, String explanation) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).isEqualTo("{\"error\":{\"message\":\"" + message + "\",\"explanation\":\"" + explanation + "\"}}");
    }

    RpcClient rpc() {
        RpcClient c = RpcClient.connect(server);
        open.add(c);
        return c;
    }

    // ---- passcode ----

    @Test
    void everyEndpointChecksThePasscode() {
        for (String path : List.of("/verify-passcode", "/create-stream", "/join-stream-as-speaker", "/join-stream-as-viewer",
                "/viewer-connected-to-player", "/raise-hand", "/remove-speaker", "/send-speaker-invite", "/delete-stream")) {
            for (String header : new String[] {null, "wrong", PASSCODE + "x", "Bearer " + PASSCODE}) {
                TestServer.Response r = server.send("POST", path, "{\"user_identity\":\"a\",\"stream_name\":\"s\"}", header);
                assertThat(r.status()).as(path).isEqualTo(401);
                assertThat(r.body()).as(path).isEqualTo(INCORRECT);
            }
        }
        TestServer.Response ok = post("/verify-passcode", null);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"verified\":true}");
    }

    @Test
    void anExpiredPasscodeAndAnUnsetOneAreRefused() throws Exception {
        try (TestServer expired = TestServer.start(config(PASSCODE, "2020-01-01T00:00:00Z", 300))) {
            TestServer.Response r = expired.send("POST", "/verify-passcode", "{}", PASSCODE);
            assertError(r, 401, "passcode expired", "The passcode used to validate application users has expired."
                    + " Re-deploy the application to refresh the passcode.");
        }
        try (TestServer unset = TestServer.start(config("", "", 300))) {
            TestServer.Response r = unset.send("POST", "/verify-passcode", "{}", "");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(INCORRECT);
        }
    }

    // ---- parameters and errors ----

    @Test
    void missingParametersAre400InTheOriginalOrder() {
        String s = stream();
        for (String path : List.of("/create-stream", "/join-stream-as-speaker", "/join-stream-as-viewer",
                "/viewer-connected-to-player", "/raise-hand")) {
            assertError(post(path, "{}"), 400, "missing user_identity", "The user_identity parameter is missing.");
            assertError(post(path, "{\"user_identity\":\"\"}"), 400, "missing user_identity", "The user_identity parameter is missing.");
            assertError(post(path, "{\"user_identity\":\"bob\"}"), 400, "missing stream_name", "The stream_name parameter is missing.");
        }
        assertError(post("/raise-hand", "{\"user_identity\":\"bob\",\"stream_name\":\"" + s + "\"}"), 400,
                "missing hand_raised", "The hand_raised parameter is missing.");
        assertError(post("/remove-speaker", "{}"), 400, "missing user_identity", "The user_identity parameter is missing.");
        assertError(post("/remove-speaker", "{\"user_identity\":\"bob\"}"), 400, "missing room_name",
                "The room_name parameter is missing.");
        assertError(post("/send-speaker-invite", "{\"user_identity\":\"bob\"}"), 400, "missing room_sid",
                "The room_sid parameter is missing.");
        assertError(post("/delete-stream", "{}"), 400, "missing stream_name", "The stream_name parameter is missing.");
        // not JSON at all: the parameters are missing
        assertError(post("/create-stream", "user_identity=bob"), 400, "missing user_identity", "The user_identity parameter is missing.");
    }

    @Test
    void unknownStreamsAndDuplicates() {
        String s = stream();
        for (String path : List.of("/join-stream-as-speaker", "/join-stream-as-viewer", "/viewer-connected-to-player")) {
            TestServer.Response r = post(path, "{\"user_identity\":\"bob\",\"stream_name\":\"" + s + "\"}");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.json().at("/error/message").asText()).isEqualTo("error finding room");
        }
        TestServer.Response hand = post("/raise-hand", "{\"user_identity\":\"bob\",\"stream_name\":\"" + s + "\",\"hand_raised\":true}");
        assertThat(hand.json().at("/error/message").asText()).isEqualTo("error finding room");
        TestServer.Response remove = post("/remove-speaker", "{\"user_identity\":\"bob\",\"room_name\":\"" + s + "\"}");
        assertThat(remove.status()).isEqualTo(500);
        assertThat(remove.json().at("/error/message").asText()).isEqualTo("error finding room");
        TestServer.Response delete = post("/delete-stream", "{\"stream_name\":\"" + s + "\"}");
        assertThat(delete.status()).isEqualTo(500);
        assertThat(delete.json().at("/error/message").asText()).isEqualTo("error deleting stream");

        assertThat(post("/create-stream", "{\"user_identity\":\"host\",\"stream_name\":\"" + s + "\"}").status()).isEqualTo(200);
        TestServer.Response again = post("/create-stream", "{\"user_identity\":\"other\",\"stream_name\":\"" + s + "\"}");
        assertThat(again.status()).isEqualTo(500);
        assertThat(again.json().at("/error/message").asText()).isEqualTo("error creating room");
        assertThat(again.json().at("/error/explanation").asText()).isEqualTo("Room exists");
        // invite to a user without a document, and to an unknown room
        String sid = post("/join-stream-as-speaker", "{\"user_identity\":\"x\",\"stream_name\":\"" + s + "\"}").json().get("room_sid").asText();
        TestServer.Response invite = post("/send-speaker-invite", "{\"user_identity\":\"nobody\",\"room_sid\":\"" + sid + "\"}");
        assertThat(invite.status()).isEqualTo(500);
        assertThat(invite.json().at("/error/message").asText()).isEqualTo("error updating user document");
        TestServer.Response unknownRoom = post("/send-speaker-invite", "{\"user_identity\":\"x\",\"room_sid\":\"RM123\"}");
        assertThat(unknownRoom.status()).isEqualTo(500);
        assertThat(unknownRoom.json().at("/error/message").asText()).isEqualTo("error updating user document");
        // remove-speaker of someone not connected
        TestServer.Response notThere = post("/remove-speaker", "{\"user_identity\":\"x\",\"room_name\":\"" + s + "\"}");
        assertThat(notThere.status()).isEqualTo(500);
        assertThat(notThere.json().at("/error/message").asText()).isEqualTo("error removing speaker");
        assertThat(post("/delete-stream", "{\"stream_name\":\"" + s + "\"}").body()).isEqualTo("{\"deleted\":true}");
        // the name is free again
        assertThat(post("/create-stream", "{\"user_identity\":\"host\",\"stream_name\":\"" + s + "\"}").status()).isEqualTo(200);
        post("/delete-stream", "{\"stream_name\":\"" + s + "\"}");
    }

    // ---- responses ----

    @Test
    void responsesCarryTokenRoomAndSyncObjectNames() {
        String s = stream();
        JsonNode created = post("/create-stream", "{\"user_identity\":\"Bob\",\"stream_name\":\"" + s + "\"}").json();
        assertThat(created.get("token").asText()).isNotEmpty();
        assertThat(created.get("chat_enabled").asBoolean()).isTrue();
        String sid = created.get("room_sid").asText();
        assertThat(created.get("sync_object_names").toString())
                .isEqualTo("{\"speakers_map\":\"speakers\",\"viewers_map\":\"viewers\",\"raised_hands_map\":\"raised_hands\"}");
        // the stored room exists and the token is for it, for 4 hours, as admin (the host)
        assertThat(server.get("/v1/rooms/" + sid).status()).isEqualTo(200);
        JsonNode claims = claims(created.get("token").asText());
        assertThat(claims.get("sub").asText()).isEqualTo("Bob");
        assertThat(claims.get("room").asText()).isEqualTo(sid);
        assertThat(claims.get("admin").asBoolean()).isTrue();
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(14_400);
        assertThat(claims.at("/grants/publish").asBoolean()).isTrue();

        for (String path : List.of("/join-stream-as-speaker", "/join-stream-as-viewer")) {
            // form-encoded bodies work too, as with the original serverless functions
            TestServer.Response r = server.send("POST", path, "user_identity=Ann&stream_name=" + s,
                    "application/x-www-form-urlencoded", PASSCODE);
            JsonNode j = r.json();
            assertThat(r.status()).isEqualTo(200);
            assertThat(j.get("room_sid").asText()).isEqualTo(sid);
            assertThat(j.get("chat_enabled").asBoolean()).isTrue();
            assertThat(j.get("sync_object_names").toString()).isEqualTo("{\"speakers_map\":\"speakers\",\"viewers_map\":\"viewers\","
                    + "\"raised_hands_map\":\"raised_hands\",\"user_document\":\"user-Ann\"}");
            JsonNode c = claims(j.get("token").asText());
            assertThat(c.get("admin").asBoolean()).isFalse();
            boolean viewer = path.endsWith("viewer");
            assertThat(c.at("/grants/publish").asBoolean()).isEqualTo(!viewer);
            assertThat(c.at("/grants/hidden").asBoolean()).isEqualTo(viewer);
            assertThat(c.at("/grants/subscribe").asBoolean()).isTrue();
            assertThat(c.at("/grants/data").asBoolean()).isTrue();
            assertThat(c.at("/grants/state").toString()).isEqualTo("[\"speakers\",\"viewers\",\"raised_hands\",\"user-Ann\"]");
        }
        assertThat(post("/viewer-connected-to-player", "{\"user_identity\":\"Ann\",\"stream_name\":\"" + s + "\"}").body())
                .isEqualTo("{\"success\":true}");
        assertThat(post("/raise-hand", "{\"user_identity\":\"Ann\",\"stream_name\":\"" + s + "\",\"hand_raised\":true}").body())
                .isEqualTo("{\"sent\":true}");
        assertThat(post("/send-speaker-invite", "{\"user_identity\":\"Ann\",\"room_sid\":\"" + sid + "\"}").body())
                .isEqualTo("{\"sent\":true}");
        assertThat(post("/delete-stream", "{\"stream_name\":\"" + s + "\"}").body()).isEqualTo("{\"deleted\":true}");
        assertThat(server.get("/v1/rooms/" + sid).status()).isEqualTo(404);
    }

    /**
     * docs/SECURITY.md, finding 14: the host's identity is public (its {@code speakers} entry says {@code host: true}),
     * so naming it to join-stream-as-speaker gives a speaker's token; the host's admin token comes from create-stream,
     * or from a re-join that proves it with {@code host_token}.
     */
    @Test
    void namingTheHostGivesNoAdminTokenOnlyTheHostTokenDoes() {
        String s = stream();
        String hostToken = post("/create-stream", "{\"user_identity\":\"boss\",\"stream_name\":\"" + s + "\"}").json()
                .get("token").asText();
        // a viewer (anyone with the passcode) names the host
        String named = post("/join-stream-as-speaker", "{\"user_identity\":\"boss\",\"stream_name\":\"" + s + "\"}").json()
                .get("token").asText();
        assertThat(claims(named).get("admin").asBoolean()).as("admin for an identity named in the request").isFalse();
        RpcClient watcher = rpc();
        watcher.call("watch_room", java.util.Map.of("auth_token", named));
        JsonNode end = watcher.request("end_room", java.util.Map.of());
        assertThat(end.at("/error/code").asInt()).as(end.toString()).isEqualTo(403);
        assertThat(end.at("/error/message").asText()).isEqualTo("admin only");

        // the host re-joins as host with the token it holds; the answer is a host token again
        TestServer.Response again = post("/join-stream-as-speaker", "{\"user_identity\":\"boss\",\"stream_name\":\"" + s
                + "\",\"host_token\":\"" + hostToken + "\"}");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(claims(again.json().get("token").asText()).get("admin").asBoolean()).isTrue();
        // a speaker's token, another identity, another stream's host token: refused
        String other = stream();
        String otherHost = post("/create-stream", "{\"user_identity\":\"boss\",\"stream_name\":\"" + other + "\"}").json()
                .get("token").asText();
        for (String[] c : new String[][] {{"boss", named}, {"ann", hostToken}, {"boss", otherHost}, {"boss", "not-a-token"}}) {
            assertError(post("/join-stream-as-speaker", "{\"user_identity\":\"" + c[0] + "\",\"stream_name\":\"" + s
                    + "\",\"host_token\":\"" + c[1] + "\"}"), 401, "host token incorrect",
                    "The host_token parameter is not a valid host token of this stream for this user_identity.");
        }
        post("/delete-stream", "{\"stream_name\":\"" + s + "\"}");
        post("/delete-stream", "{\"stream_name\":\"" + other + "\"}");
    }

    // ---- the state machine ----

    @Test
    void stateMachineFollowsRealJoinsAndLeaves() throws Exception {
        String s = stream();
        JsonNode host = post("/create-stream", "{\"user_identity\":\"host\",\"stream_name\":\"" + s + "\"}").json();
        String sid = host.get("room_sid").asText();

        // the host follows the state
        RpcClient hostRpc = rpc();
        JsonNode snapshot = hostRpc.call("subscribe_state", Map.of("auth_token", host.get("token").asText(),
                "names", List.of("speakers", "viewers", "raised_hands")));
        assertThat(snapshot.get("room").asText()).isEqualTo(sid);
        assertThat(snapshot.get("state").toString()).isEqualTo("{\"speakers\":{\"type\":\"map\",\"value\":{\"host\":{\"host\":true}}},"
                + "\"viewers\":{\"type\":\"map\",\"value\":{}},\"raised_hands\":{\"type\":\"map\",\"value\":{}}}");
        // a name outside the grant is refused
        JsonNode refused = hostRpc.request("subscribe_state", Map.of("auth_token", host.get("token").asText(), "names", List.of("user-ann")));
        assertThat(refused.at("/error/code").asInt()).isEqualTo(403);
        assertThat(refused.at("/error/message").asText()).isEqualTo("not allowed to read state user-ann");

        // ann joins as a viewer: a hidden receive-only member
        JsonNode viewer = post("/join-stream-as-viewer", "{\"user_identity\":\"ann\",\"stream_name\":\"" + s + "\"}").json();
        String viewerToken = viewer.get("token").asText();
        RpcClient annRpc = rpc();
        JsonNode doc = annRpc.call("subscribe_state", Map.of("auth_token", viewerToken,
                "names", List.of("speakers", "viewers", "raised_hands", "user-ann")));
        assertThat(doc.at("/state/user-ann").toString()).isEqualTo("{\"type\":\"document\",\"value\":{\"speaker_invite\":false}}");
        JsonNode joined = annRpc.call("join_room", Map.of("auth_token", viewerToken));
        assertThat(joined.get("call_id").asText()).isEqualTo("ann");
        // a viewer may not publish
        JsonNode publish = annRpc.request("join_room", Map.of("auth_token", viewerToken, "sdp", new JavaPeer().offer(true)));
        assertThat(publish.at("/error/code").asInt()).isEqualTo(403);

        post("/viewer-connected-to-player", "{\"user_identity\":\"ann\",\"stream_name\":\"" + s + "\"}");
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"viewers\",\"type\":\"map\",\"key\":\"ann\",\"value\":{}}");
        post("/viewer-connected-to-player", "{\"user_identity\":\"ann\",\"stream_name\":\"" + s + "\"}"); // idempotent: no change
        post("/raise-hand", "{\"user_identity\":\"ann\",\"stream_name\":\"" + s + "\",\"hand_raised\":true}");
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"raised_hands\",\"type\":\"map\",\"key\":\"ann\",\"value\":{}}");
        post("/raise-hand", "{\"user_identity\":\"ann\",\"stream_name\":\"" + s + "\",\"hand_raised\":\"false\"}");
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"raised_hands\",\"type\":\"map\",\"key\":\"ann\",\"deleted\":true}");
        post("/raise-hand", "{\"user_identity\":\"ann\",\"stream_name\":\"" + s + "\",\"hand_raised\":true}");
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"raised_hands\",\"type\":\"map\",\"key\":\"ann\",\"value\":{}}");

        // the host invites ann; her client sees it in her document
        post("/send-speaker-invite", "{\"user_identity\":\"ann\",\"room_sid\":\"" + sid + "\"}");
        assertChange(annRpc, "{\"room\":\"" + sid + "\",\"name\":\"user-ann\",\"type\":\"document\",\"value\":{\"speaker_invite\":true}}");

        // ann leaves as a viewer (her connection ends: out of viewers and raised_hands) and joins as a speaker
        annRpc.call("leave_room", Map.of());
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"viewers\",\"type\":\"map\",\"key\":\"ann\",\"deleted\":true}");
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"raised_hands\",\"type\":\"map\",\"key\":\"ann\",\"deleted\":true}");
        JsonNode speaker = post("/join-stream-as-speaker", "{\"user_identity\":\"ann\",\"stream_name\":\"" + s + "\"}").json();
        RpcClient annSpeaker = rpc();
        JavaPeer peer = new JavaPeer();
        open.add(peer);
        peer.connect(annSpeaker.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", speaker.get("token").asText()))
                .get("sdp").asText());
        // her media connects: she is a speaker
        waitUntil(() -> speakers(hostRpc).contains("ann"), "ann on stage");
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"speakers\",\"type\":\"map\",\"key\":\"ann\",\"value\":{\"host\":false}}");
        assertState(s, sid, "{\"host\":{\"host\":true},\"ann\":{\"host\":false}}", "{}", "{}");

        // the host removes her: disconnected for real
        assertThat(post("/remove-speaker", "{\"user_identity\":\"ann\",\"room_name\":\"" + s + "\"}").body())
                .isEqualTo("{\"removed\":true}");
        JsonNode left = annSpeaker.await("member_leave_room");
        assertThat(left.get("by_admin").asBoolean()).isTrue();
        assertThat(annSpeaker.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"speakers\",\"type\":\"map\",\"key\":\"ann\",\"deleted\":true}");
        // back in the audience: join-stream-as-viewer resets the invite
        post("/join-stream-as-viewer", "{\"user_identity\":\"ann\",\"stream_name\":\"" + s + "\"}");
        RpcClient again = rpc();
        assertThat(again.call("subscribe_state", Map.of("auth_token", viewerToken, "names", List.of("user-ann"))).at("/state/user-ann/value")
                .toString()).isEqualTo("{\"speaker_invite\":false}");

        // delete-stream ends the room: everyone is told and disconnected, the state is gone
        again.call("join_room", Map.of("auth_token", viewerToken));
        assertThat(post("/delete-stream", "{\"stream_name\":\"" + s + "\"}").body()).isEqualTo("{\"deleted\":true}");
        assertThat(again.await("state_changed").toString())
                .isEqualTo("{\"room\":\"" + sid + "\",\"name\":\"user-ann\",\"type\":\"document\",\"deleted\":true}");
        again.await("room_ended");
        assertThat(again.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"speakers\",\"type\":\"map\",\"deleted\":true}");
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"viewers\",\"type\":\"map\",\"deleted\":true}");
        assertChange(hostRpc, "{\"room\":\"" + sid + "\",\"name\":\"raised_hands\",\"type\":\"map\",\"deleted\":true}");
        // the room is gone: its tokens no longer join
        RpcClient late = rpc();
        JsonNode gone = late.request("join_room", Map.of("auth_token", viewerToken));
        assertThat(gone.at("/error/message").asText()).isEqualTo("room doesn't exist");
        JsonNode noState = late.request("subscribe_state", Map.of("auth_token", viewerToken, "names", List.of("speakers")));
        assertThat(noState.at("/error/message").asText()).isEqualTo("room doesn't exist");
    }

    @Test
    void aStreamWhoseRoomEmptiesEndsAfterTheTimeout() throws Exception {
        try (TestServer quick = TestServer.start(config(PASSCODE, "", 1))) {
            String s = stream();
            quick.send("POST", "/create-stream", "{\"user_identity\":\"host\",\"stream_name\":\"" + s + "\"}", PASSCODE);
            String token = quick.send("POST", "/join-stream-as-viewer", "{\"user_identity\":\"v\",\"stream_name\":\"" + s + "\"}", PASSCODE)
                    .json().get("token").asText();
            try (RpcClient v = RpcClient.connect(quick)) {
                v.call("join_room", Map.of("auth_token", token));
                Thread.sleep(1500); // someone is in the room: the stream stays past the timeout
                assertThat(quick.send("POST", "/viewer-connected-to-player", "{\"user_identity\":\"v\",\"stream_name\":\"" + s + "\"}",
                        PASSCODE).status()).isEqualTo(200);
                v.call("leave_room", Map.of());
            }
            waitUntil(() -> quick.send("POST", "/join-stream-as-viewer", "{\"user_identity\":\"v\",\"stream_name\":\"" + s + "\"}",
                    PASSCODE).status() == 500, "the stream to end");
        }
    }

    /**
     * A publisher's connection asks the store whether its room is a live stream (a node that restarted, or took
     * over a dead node's room, must take the stream over), but an ordinary room is looked up once per run, not
     * at each connection; the answer is forgotten when the room ends, and a restarted node knows nothing of it:
     * a stream's host connecting there still takes the stream over. Lookups are counted by H2's query statistics.
     */
    @Test
    void anOrdinaryRoomIsLookedUpOnceNotPerConnectionAndARestartedNodeStillTakesAStreamOver() throws Exception {
        AtriumConfig c = Scrapes.withToken(config(PASSCODE, "2999-01-01T00:00:00Z", 300));
        String s = stream();
        String streamRoom;
        String hostToken;
        try (TestServer first = TestServer.start(c)) {
            countQueries(first);
            String room = first.post("/v1/rooms", "{\"room\":{\"name\":\"ordinary\",\"open\":true}}").json().at("/room/uuid").asText();
            List<RpcClient> members = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                members.add(publisher(first, room, "m" + i));
                int connected = i;
                // the join clock hears each connection just before the live streams do, on the room's thread
                waitUntil(() -> joins(first) == connected, "member m" + i + "'s media connected");
            }
            assertThat(roomLookups(first)).as("one lookup for the room's run, not one per connection").isEqualTo(1);
            for (RpcClient m : members) {
                m.call("leave_room", Map.of()); // with the last one the room ends: its answer is forgotten
            }
            closeClients();
            waitUntil(() -> Scrapes.value(Scrapes.scrape(first), "atrium_rooms") == 0, "the room ended and forgotten");
            publisher(first, room, "m4");
            waitUntil(() -> joins(first) == 4, "member m4's media connected");
            waitUntil(() -> roomLookups(first) == 2, "the room's next run looked up again");

            JsonNode host = first.send("POST", "/create-stream", "{\"user_identity\":\"host\",\"stream_name\":\"" + s + "\"}",
                    PASSCODE).json();
            streamRoom = host.get("room_sid").asText();
            hostToken = host.get("token").asText();
            closeClients();
        }
        try (TestServer restarted = TestServer.start(c)) {
            countQueries(restarted);
            // the host comes back to the stream's room before any request names the stream
            RpcClient hostRpc = RpcClient.connect(restarted);
            open.add(hostRpc);
            JavaPeer peer = new JavaPeer();
            open.add(peer);
            peer.connect(hostRpc.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", hostToken)).get("sdp").asText());
            waitUntil(() -> roomLookups(restarted) == 1, "the stream's room looked up on the restarted node");
            RpcClient follower = RpcClient.connect(restarted);
            open.add(follower);
            waitUntil(() -> follower.request("subscribe_state", Map.of("auth_token", hostToken, "names", List.of("speakers")))
                    .at("/result/state/speakers/value").toString().equals("{\"host\":{\"host\":true}}"), "the stream taken over, its host on stage");
            assertThat(restarted.send("POST", "/join-stream-as-viewer", "{\"user_identity\":\"vic\",\"stream_name\":\"" + s + "\"}",
                    PASSCODE).json().get("room_sid").asText()).isEqualTo(streamRoom);
        }
    }

    /** A guest who authenticates (so the join clock runs) and publishes in {@code room}; its media connects. */
    RpcClient publisher(TestServer on, String room, String callId) {
        RpcClient rpc = RpcClient.connect(on);
        open.add(rpc);
        JavaPeer peer = new JavaPeer();
        open.add(peer);
        rpc.joinAsGuest(room, callId, peer);
        return rpc;
    }

    static long joins(TestServer on) {
        return (long) Scrapes.value(Scrapes.scrape(on), "atrium_join_latency_seconds_count");
    }

    static void countQueries(TestServer on) throws Exception {
        try (var conn = on.server().database().dataSource().getConnection(); var st = conn.createStatement()) {
            st.execute("SET QUERY_STATISTICS_MAX_ENTRIES 10000");
            st.execute("SET QUERY_STATISTICS TRUE");
        }
    }

    /** How often the store was asked whether a room is a live stream ({@code LiveStreamStore.find(UUID)}). */
    static long roomLookups(TestServer on) {
        try (var conn = on.server().database().dataSource().getConnection();
             var st = conn.prepareStatement("select coalesce(sum(execution_count), 0) from information_schema.query_statistics"
                     // rand(): without it H2 answers a repeated query from its cache, since statistics change no table
                     + " where sql_statement = ? and rand() < 2")) {
            st.setString(1, "select name, room_uuid, host from live_streams where room_uuid = ?");
            var rs = st.executeQuery();
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    // ---- helpers ----

    List<String> speakers(RpcClient rpc) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : rpc.notifications) {
            JsonNode p = n.get("params");
            if ("state_changed".equals(n.path("method").asText()) && "speakers".equals(p.path("name").asText())) {
                if (p.path("deleted").asBoolean()) {
                    out.remove(p.path("key").asText());
                } else {
                    out.add(p.path("key").asText());
                }
            }
        }
        return out;
    }

    void assertState(String stream, String sid, String speakers, String viewers, String raised) {
        String token = post("/join-stream-as-speaker", "{\"user_identity\":\"observer\",\"stream_name\":\"" + stream + "\"}")
                .json().get("token").asText();
        RpcClient c = rpc();
        JsonNode state = c.call("subscribe_state", Map.of("auth_token", token, "names", List.of("speakers", "viewers", "raised_hands")))
                .get("state");
        assertThat(state.at("/speakers/value").toString()).isEqualTo(speakers);
        assertThat(state.at("/viewers/value").toString()).isEqualTo(viewers);
        assertThat(state.at("/raised_hands/value").toString()).isEqualTo(raised);
    }

    /** The next change of the name {@code params} names (changes of other names are skipped) is {@code params}. */
    static void assertChange(RpcClient rpc, String params) {
        String name = claimsOf(params).get("name").asText();
        JsonNode next;
        do {
            next = rpc.await("state_changed");
        } while (!next.get("name").asText().equals(name));
        assertThat(next.toString()).isEqualTo(params);
    }

    static JsonNode claimsOf(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode claims(String jwt) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
