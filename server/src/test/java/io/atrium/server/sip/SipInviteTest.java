package io.atrium.server.sip;

import static io.atrium.server.sip.SipCallTest.OFFER_SDP;
import static io.atrium.server.sip.SipCallTest.port;
import static io.atrium.server.sip.SipRegistrarTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.Goertzel;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.RtpPhone;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Contract 002's SIP half over the room protocol's WebSocket, with SIPp as the phones  and Java WebSocket clients as the apps: {@code invite_exten} rings
 * every phone and video registration of an extension, the first answer wins (a phone's 200 OK or an
 * app's {@code join_room}) and the others hear CANCEL or {@code room_invite_completed_elsewhere};
 * declines, busy and ring timeouts reach the inviter as {@code room_invite_reject}; the answered phone is
 * a member with {@code is_sip} whose audio is bridged (another phone in the room hears it, by tone);
 * {@code create_temp_room}; every documented error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipInviteTest {

    static final int RING_TIMEOUT = 5;

    TestServer server;
    int sipPort;
    String ada;
    String bob;
    @RegisterExtension
    final Closer open = new Closer();

    @BeforeAll
    void start() throws Exception {
        sipPort = Ports.free();
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-invite-"));
        server = TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(300, 2, 262_144, 200)).withSip(new AtriumConfig.Sip(true, "127.0.0.1", sipPort, "",
                "atrium", 1, 3600, 100, RING_TIMEOUT, 0, 0, List.of("MD5"), List.of())));
        ada = user("ada", "1001");
        bob = user("bob", "1002");
        user("carol", "1003");
        user("dave", "1004");
        user("erin", "1005");
        user("frank", "1006");
        user("gina", "1007");
        user("hank", "1008");
        user("ivy", "1010");
        user("nobody", "1009");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    String user(String name, String extension) {
        TestServer.Response r = server.post("/v1/users", "{\"user\":{\"username\":\"" + name + "\",\"display_name\":\"" + name
                + " display\",\"password\":\"" + name + "-password\",\"sip_extension\":\"" + extension + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().at("/user/uuid").asText();
    }

    RpcClient client() {
        return open.track(RpcClient.connect(server));
    }

    /** A room with ada as its admin and bob as a member, open to everyone. */
    String room() {
        return server.post("/v1/rooms", """
                {"room": {"name": "invites", "open": true, "members": [{"user_id": "%s", "admin": true}, {"user_id": "%s", "admin": false}]}}"""
                .formatted(ada, bob)).json().at("/room/uuid").asText();
    }

    /** {@code user} joined to {@code room} with a Java WebRTC peer; returns its socket. */
    RpcClient join(String room, String user) {
        RpcClient rpc = client();
        String token = rpc.call("authenticate", Map.of("room", room, "call_id", user + "-" + UUID.randomUUID(), "username", user,
                "password", user + "-password")).get("auth_token").asText();
        JavaPeer peer = open.track(new JavaPeer());
        JsonNode joined = rpc.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token));
        peer.connect(joined.get("sdp").asText());
        return rpc;
    }

    /** An app socket registered as a video registration of {@code user}. */
    RpcClient app(String user, String userUuid) {
        RpcClient rpc = client();
        JsonNode r = rpc.call("register_room_api", Map.of("username", user, "password", user + "-password"));
        assertThat(r.get("user").asText()).isEqualTo(userUuid);
        assertThat(r.get("expires_in").asInt()).isEqualTo(120);
        return rpc;
    }

    int registerPhone(String extension, String user) {
        return SipCallTest.registerPhone(sipPort, extension, user);
    }

    Sipp phone(int port, String outcome, int mediaPort) {
        return SipCallTest.phone(sipPort, port, outcome, mediaPort);
    }

    static void assertError(JsonNode response, int code, String message) {
        assertThat(response.has("error")).as(response.toString()).isTrue();
        assertThat(response.at("/error/code").asInt()).as(response.toString()).isEqualTo(code);
        assertThat(response.at("/error/message").asText()).isEqualTo(message);
    }

    /** Waits until {@code phone} hears {@code expected} and not {@code absent} (Goertzel on received μ-law). */
    static void hears(RtpPhone phone, double expected, double absent) {
        Waits.waitUntil(() -> {
            short[] pcm = phone.receive(1600, Duration.ofSeconds(2));
            return pcm.length == 1600 && Goertzel.power(pcm, pcm.length, RtpPhone.RATE, expected) > 0.5
                    && Goertzel.power(pcm, pcm.length, RtpPhone.RATE, absent) < 0.05;
        }, "the phone hears " + expected + " Hz and not " + absent + " Hz", Duration.ofSeconds(30));
    }

    @Test
    void anInvitedExtensionRingsEveryPhoneAndAppTheFirstPhoneToAnswerJoinsWithAudio() {
        String room = room();
        RpcClient host = join(room, "ada");
        RpcClient app = app("bob", bob);
        int phone1 = registerPhone("1002", "bob");
        int phone2 = registerPhone("1002", "bob");
        try (RtpPhone invited = new RtpPhone(); RtpPhone dialIn = new RtpPhone();
             Sipp answering = SipCallTest.phone(sipPort, phone1, "answer", invited.port(), SipCallTest.normal("removed by an admin"));
             Sipp ringing = SipCallTest.phone(sipPort, phone2, "ring", 40102, SipCallTest.ELSEWHERE)) {
            JsonNode result = host.call("invite_exten", Map.of("extens", List.of("1002")));
            assertThat(result.at("/failed")).isEmpty();
            String callId = result.at("/invited/0/bridge_id").asText();
            assertThat(result.at("/invited/0/destination").asText()).isEqualTo("1002");

            JsonNode invite = app.await("room_invite");
            assertThat(invite.get("room").asText()).isEqualTo(room);
            assertThat(invite.get("call_id").asText()).isEqualTo(callId);
            assertThat(invite.get("from_user").asText()).isEqualTo(ada);
            String token = invite.get("auth_token").asText();

            JsonNode joined = host.await("member_join_room");
            assertThat(joined.get("id").asText()).isEqualTo(callId);
            assertThat(joined.get("is_sip").asBoolean()).isTrue();
            assertThat(joined.get("name").asText()).isEqualTo("bob display");
            assertThat(app.await("room_invite_completed_elsewhere").get("room").asText()).isEqualTo(room);
            assertOk(ringing.await()); // CANCEL to the phone that lost
            assertThat(answering.messages()).contains("X-Atrium-Call-Id: " + callId);
            assertError(client().request("join_room", Map.of("sdp", open.track(new JavaPeer()).offer(true), "auth_token", token)), 403,
                    "the invite was answered elsewhere");

            // the answered phone is bridged: a phone that dials into the room hears it, and it hears that phone
            String number = server.get("/v1/sip/rooms/" + room).json().get("number").asText();
            Map<String, String> fill = new HashMap<>(Map.of("OUTCOME", Sipp.resource("caller-answered.part"), "FROM", "1003",
                    "MEDIA_PORT", String.valueOf(dialIn.port()), "HOLD", "50000"));
            try (Sipp caller = Sipp.start("caller.xml", fill, sipPort, "-t", "u1", "-s", number, "-au", "carol", "-ap",
                    "carol-password")) {
                Waits.waitUntil(() -> port(caller, SipCallTest.ANSWER_SDP) > 0, "the dial-in phone answered");
                invited.sendTone(1000, port(answering, OFFER_SDP));
                dialIn.sendTone(440, port(caller, SipCallTest.ANSWER_SDP));
                hears(dialIn, 1000, 440);
                hears(invited, 440, 1000);
                host.call("remove_member", Map.of("member", callId));
                assertOk(answering.await()); // Atrium's BYE, saying why
                caller.hangUp();
                assertOk(caller.await());
            }
        }
    }

    /** The next {@code method} notification about {@code member} (others skipped). */
    static JsonNode awaitAbout(RpcClient rpc, String method, String member) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode n = rpc.await(method, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (n != null && member.equals(n.path("member").asText())) {
                return n;
            }
        }
        throw new AssertionError("no " + method + " about " + member);
    }

    /**
     * Voice activity of a phone, as for any member: its tone makes it the room's active speaker with a
     * speaking level; digital silence, and later a phone that stops sending at all (silence suppression,
     * a dead phone), clear it again.
     */
    @Test
    void aPhonesVoiceMakesItTheActiveSpeakerUntilItFallsSilent() {
        String room = room();
        RpcClient host = join(room, "ada");
        String number = server.get("/v1/sip/rooms/" + room).json().get("number").asText();
        try (RtpPhone phone = new RtpPhone();
             Sipp caller = dialIn(number, "1003", "carol", phone)) {
            String id = host.await("member_join_room").get("id").asText();
            Waits.waitUntil(() -> port(caller, SipCallTest.ANSWER_SDP) > 0, "the phone answered");
            phone.sendTone(1000, port(caller, SipCallTest.ANSWER_SDP));
            speaking(host, id, true); // its level, then (same tick) the active speaker
            awaitAbout(host, "room_active_speaker", id);

            phone.tone(0); // digital silence
            speaking(host, id, false);
            host.await("room_clear_active_speaker", Duration.ofSeconds(30));

            phone.tone(1000);
            awaitAbout(host, "room_active_speaker", id);
            phone.quiet(true); // no packets at all
            speaking(host, id, false);
            host.await("room_clear_active_speaker", Duration.ofSeconds(30));
            caller.hangUp();
            assertOk(caller.await());
        }
    }

    /** A phone dialling {@code number} as {@code user} (extension {@code from}), its media at {@code phone}. */
    Sipp dialIn(String number, String from, String user, RtpPhone phone) {
        return Sipp.start("caller.xml", new HashMap<>(Map.of("OUTCOME", Sipp.resource("caller-answered.part"), "FROM", from,
                "MEDIA_PORT", String.valueOf(phone.port()), "HOLD", "50000")), sipPort, "-t", "u1", "-s", number, "-au", user,
                "-ap", user + "-password");
    }

    /**
     * How long a phone's voice takes through the room's bridge to another phone: a tone starts on phone a
     * (after silence) and phone b's receiver times the first loud packet. Through Atrium: a's jitter buffer
     * (2 frames), the engine's 20 ms tick, G.711 decode, 8 to 48 kHz and back, mix-minus, encode. Printed
     * as the figure of docs/SIP.md ("Latency"); the bound only catches a bridge that buffers far too much.
     */
    @Test
    void aPhonesToneReachesAnotherPhoneThroughTheBridgeQuickly() {
        String room = room();
        String number = server.get("/v1/sip/rooms/" + room).json().get("number").asText();
        try (RtpPhone a = new RtpPhone(); RtpPhone b = new RtpPhone(); Sipp callerA = dialIn(number, "1003", "carol", a);
             Sipp callerB = dialIn(number, "1004", "dave", b)) {
            Waits.waitUntil(() -> port(callerA, SipCallTest.ANSWER_SDP) > 0 && port(callerB, SipCallTest.ANSWER_SDP) > 0,
                    "both phones answered");
            a.sendTone(0, port(callerA, SipCallTest.ANSWER_SDP));
            b.sendTone(0, port(callerB, SipCallTest.ANSWER_SDP));
            Waits.waitUntil(() -> b.receive(800, Duration.ofSeconds(2)).length == 800, "b hears the room (a's silence)");
            List<Long> millis = new java.util.ArrayList<>();
            for (int trial = 0; trial < 7; trial++) {
                a.tone(0);
                Waits.waitUntil(() -> rms(b.receive(800, Duration.ofSeconds(2))) < 100, "silence at b", Duration.ofSeconds(10));
                a.tone(1000);
                long heard = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (heard == 0 && System.nanoTime() < deadline) {
                    if (rms(b.receive(160, Duration.ofSeconds(1))) > 1000) {
                        heard = System.nanoTime();
                    }
                }
                assertThat(heard).as("b hears a's tone").isPositive();
                millis.add((heard - a.toneSentNanos()) / 1_000_000);
            }
            java.util.Collections.sort(millis);
            System.out.println("SIP bridge latency, phone RTP in to phone RTP out (ms, sorted, 7 onsets): " + millis);
            assertThat(millis.get(millis.size() / 2)).as("median " + millis).isLessThan(250);
            callerA.hangUp();
            callerB.hangUp();
            assertOk(callerA.await());
            assertOk(callerB.await());
        }
    }

    static double rms(short[] pcm) {
        double sum = 0;
        for (short v : pcm) {
            sum += (double) v * v;
        }
        return pcm.length == 0 ? 0 : Math.sqrt(sum / pcm.length);
    }

    /** Waits for a {@code member_audio_level} of {@code member} that is (or is not) speaking (under 60). */
    static void speaking(RpcClient rpc, String member, boolean speaking) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if ((awaitAbout(rpc, "member_audio_level", member).get("audio_level").asInt() < 60) == speaking) {
                return;
            }
        }
        throw new AssertionError(member + (speaking ? " never spoke" : " never fell silent"));
    }

    @Test
    void anAppAnsweringWinsThePhoneIsCancelledTheOtherAppIsToldAndTheTokenAnswersOnce() {
        String room = room();
        RpcClient host = join(room, "ada");
        String carol = uuidOf("carol");
        RpcClient desktop = app("carol", carol);
        RpcClient mobile = app("carol", carol);
        int phone = registerPhone("1003", "carol");
        try (Sipp ringing = phone(phone, "ring", 40104)) {
            String callId = host.call("invite_exten", Map.of("extens", List.of("1003"))).at("/invited/0/bridge_id").asText();
            String token = desktop.await("room_invite").get("auth_token").asText();
            assertThat(mobile.await("room_invite").get("call_id").asText()).isEqualTo(callId);
            Waits.waitUntil(() -> ringing.messages().contains("INVITE sip:"), "the phone rings");
            JavaPeer peer = open.track(new JavaPeer());
            JsonNode joined = desktop.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token));
            assertThat(joined.get("call_id").asText()).isEqualTo(callId);
            assertThat(mobile.await("room_invite_completed_elsewhere").get("call_id").asText()).isEqualTo(callId);
            assertOk(ringing.await()); // CANCEL
            assertThat(host.await("member_join_room").get("id").asText()).isEqualTo(callId);
            assertError(mobile.request("join_room", Map.of("sdp", open.track(new JavaPeer()).offer(true), "auth_token", token)), 403,
                    "the invite was answered elsewhere");
            assertError(mobile.request("decline_room_invite", Map.of("call_id", callId)), 409, "the invite was answered or has ended");
        }
    }

    @Test
    void aDeclineBusyOrNoAnswerReachesTheInviterAsRoomInviteReject() {
        String room = room();
        RpcClient first = client();
        String token = first.call("authenticate", Map.of("room", room, "call_id", "ada-inviting", "username", "ada",
                "password", "ada-password")).get("auth_token").asText();
        JavaPeer peer = open.track(new JavaPeer());
        peer.connect(first.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token)).get("sdp").asText());
        // an app declines: the phone is cancelled as a phone's 603 would end it, the inviter hears room_invite_reject
        String dave = uuidOf("dave");
        RpcClient app = app("dave", dave);
        int davePhone = registerPhone("1004", "dave");
        RpcClient host;
        try (Sipp ringing = SipCallTest.phone(sipPort, davePhone, "ring", 40106, "^ *SIP;cause=603;text=.Decline.$")) {
            String callId = first.call("invite_exten", Map.of("extens", List.of("1004"))).at("/invited/0/bridge_id").asText();
            app.await("room_invite");
            Waits.waitUntil(() -> ringing.messages().contains("INVITE sip:"), "the phone rings");
            // the inviter's socket drops and its member comes back on a new one: the reject reaches that one
            first.close();
            host = client();
            JavaPeer again = open.track(new JavaPeer());
            assertThat(host.call("join_room", Map.of("sdp", again.offer(true), "auth_token", token)).get("call_id").asText())
                    .isEqualTo("ada-inviting");
            assertError(client().request("decline_room_invite", Map.of("call_id", callId)), 404, "no such invite");
            assertError(app.request("decline_room_invite", Map.of("call_id", UUID.randomUUID().toString())), 404, "no such invite");
            assertThat(app.call("decline_room_invite", Map.of("call_id", callId))).isEmpty();
            JsonNode reject = host.await("room_invite_reject");
            assertThat(reject.get("room").asText()).isEqualTo(room);
            assertThat(reject.get("call_id").asText()).isEqualTo(callId);
            assertThat(reject.get("reason").asText()).isEqualTo("declined");
            assertOk(ringing.await());
            assertError(app.request("decline_room_invite", Map.of("call_id", callId)), 409, "the invite was answered or has ended");
        }
        // a busy phone (no app registered)
        int erinPhone = registerPhone("1005", "erin");
        try (Sipp busy = phone(erinPhone, "busy", 40108)) {
            String callId = host.call("invite_exten", Map.of("extens", List.of("1005"))).at("/invited/0/bridge_id").asText();
            JsonNode reject = host.await("room_invite_reject");
            assertThat(reject.get("call_id").asText()).isEqualTo(callId);
            assertThat(reject.get("reason").asText()).isEqualTo("busy");
            assertOk(busy.await());
        }
        // a phone that rings past sip.ring_timeout_seconds
        try (Sipp ringing = phone(erinPhone, "ring", 40110)) {
            host.call("invite_exten", Map.of("extens", List.of("1005")));
            assertThat(host.await("room_invite_reject", Duration.ofSeconds(RING_TIMEOUT + 20)).get("reason").asText())
                    .isEqualTo("no answer");
            assertOk(ringing.await());
        }
    }

    /**
     * A busy phone does not end the invite while the user's app still rings, and the app then joins a
     * waiting-room room at once (an invited user skips the waiting room); a phone's 603 declines for
     * every device: the inviter gets {@code room_invite_reject} "declined", the ringing app {@code room_invite_cancelled},
     * the user's other ringing phone a CANCEL with {@code Reason: SIP;cause=603;text="Decline"}.
     */
    @Test
    void aBusyPhoneLeavesTheAppRingingTheInvitedSkipTheWaitingRoomAndAPhones603DeclinesForAll() {
        String room = server.post("/v1/rooms", """
                {"room": {"name": "waiting", "force_waiting_room": true, "members": [{"user_id": "%s", "admin": true}]}}"""
                .formatted(ada)).json().at("/room/uuid").asText();
        RpcClient host = join(room, "ada");
        RpcClient gina = app("gina", uuidOf("gina"));
        try (Sipp busy = phone(registerPhone("1007", "gina"), "busy", 40112)) {
            String callId = host.call("invite_exten", Map.of("extens", List.of("1007"))).at("/invited/0/bridge_id").asText();
            String token = gina.await("room_invite").get("auth_token").asText();
            assertOk(busy.await());
            JsonNode joined = gina.call("join_room", Map.of("sdp", open.track(new JavaPeer()).offer(true), "auth_token", token));
            assertThat(joined.get("call_id").asText()).isEqualTo(callId);
            assertThat(host.await("member_join_room").get("id").asText()).isEqualTo(callId);
        }
        RpcClient hank = app("hank", uuidOf("hank"));
        try (Sipp declining = phone(registerPhone("1008", "hank"), "decline", 40114);
             Sipp ringing = SipCallTest.phone(sipPort, registerPhone("1008", "hank"), "ring", 40120,
                     "^ *SIP;cause=603;text=.Decline.$")) {
            String callId = host.call("invite_exten", Map.of("extens", List.of("1008"))).at("/invited/0/bridge_id").asText();
            assertThat(hank.await("room_invite").get("call_id").asText()).isEqualTo(callId);
            JsonNode reject = host.await("room_invite_reject"); // the first: gina's busy phone ended nothing
            assertThat(reject.get("call_id").asText()).isEqualTo(callId);
            assertThat(reject.get("reason").asText()).isEqualTo("declined");
            assertThat(hank.await("room_invite_cancelled").get("reason").asText()).isEqualTo("declined");
            assertOk(declining.await());
            assertOk(ringing.await()); // its CANCEL says the 603 that ended the fork
        }
    }

    /** A call still ringing has no answered legs to hand to a room: {@code convert_to_room} answers 409. */
    @Test
    void aRingingCallCannotBecomeARoom() {
        RpcClient adaApp = app("ada", ada);
        try (Sipp ringing = phone(registerPhone("1010", "ivy"), "ring", 40116);
             Sipp caller = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-refused.part"), "STATUS", "408",
                     "FROM", "1001", "MEDIA_PORT", "40118"), sipPort, "-t", "u1", "-s", "1010", "-au", "ada", "-ap", "ada-password")) {
            Waits.waitUntil(() -> SipCallTest.CALL_ID.matcher(ringing.messages()).find(), "ivy's phone rings");
            java.util.regex.Matcher m = SipCallTest.CALL_ID.matcher(ringing.messages());
            assertThat(m.find()).isTrue();
            // within sip.ring_timeout_seconds (then the caller gets 408)
            assertError(adaApp.request("convert_to_room", Map.of("call_id", m.group(1))), 409,
                    "the call is not answered or its audio cannot join a room");
            assertOk(caller.await());
            assertOk(ringing.await());
        }
    }

    String uuidOf(String username) {
        for (JsonNode u : server.get("/v1/users").json().get("users")) {
            if (u.get("username").asText().equals(username)) {
                return u.get("uuid").asText();
            }
        }
        throw new AssertionError("no user " + username);
    }

    @Test
    void inviteExtenAndRegisterRoomApiErrors() {
        String room = room();
        RpcClient host = join(room, "ada");
        JsonNode result = host.call("invite_exten", Map.of("extens", List.of("1999", "1009")));
        assertThat(result.get("invited")).isEmpty();
        assertThat(result.at("/failed/0/destination").asText()).isEqualTo("1999");
        assertThat(result.at("/failed/0/reason").asText()).isEqualTo("unknown extension");
        assertThat(result.at("/failed/1/reason").asText()).isEqualTo("not registered");
        assertError(host.request("invite_exten", Map.of("extens", List.of())), 400, "invalid request: extens");
        assertError(host.request("invite_exten", Map.of("extens", "1002")), 400, "invalid request: extens");
        assertError(host.request("invite_exten", Map.of()), 400, "invalid request: extens");

        RpcClient member = join(room, "bob");
        assertError(member.request("invite_exten", Map.of("extens", List.of("1003"))), 403, "admin only");
        assertError(client().request("invite_exten", Map.of("extens", List.of("1003"))), 404, "member didn't authenticate");

        RpcClient app = client();
        assertError(app.request("register_room_api", Map.of("username", "bob", "password", "wrong")), 401,
                "invalid username or password");
        assertError(app.request("register_room_api", Map.of("device", "nope", "device_token", "x")), 401,
                "invalid device or device token");
        assertError(app.request("register_room_api", Map.of()), 400, "invalid request: username");
    }

    @Test
    void aClosedVideoRegistrationGetsNoInvites() {
        String room = room();
        RpcClient host = join(room, "ada");
        RpcClient app = app("nobody", uuidOf("nobody"));
        JsonNode result = host.call("invite_exten", Map.of("extens", List.of("1009")));
        assertThat(app.await("room_invite").get("call_id").asText()).isEqualTo(result.at("/invited/0/bridge_id").asText());
        app.close();
        Waits.waitUntil(() -> host.call("invite_exten", Map.of("extens", List.of("1009"))).at("/failed/0/reason").asText()
                .equals("not registered"), "the closed registration to be gone");
    }

    @Test
    void createTempRoomJoinsTheCallerInvitesAndTheRoomGoesWithItsLastMember() {
        RpcClient creator = client();
        RpcClient invitedApp = app("frank", uuidOf("frank"));
        JavaPeer peer = open.track(new JavaPeer());
        JsonNode result = creator.call("create_temp_room", Map.of("call_id", "temp-1", "username", "ada", "password", "ada-password",
                "sdp", peer.offer(true), "invited", List.of("1006", "1999"), "audio_muted", false, "video_muted", true));
        String room = result.get("room_id").asText();
        assertThat(result.get("call_id").asText()).isEqualTo("temp-1");
        assertThat(result.get("is_admin").asBoolean()).isTrue();
        assertThat(result.get("sdp").asText()).startsWith("v=0");
        assertThat(result.at("/invited/0/destination").asText()).isEqualTo("1006");
        assertThat(result.at("/failed/0/destination").asText()).isEqualTo("1999");
        peer.connect(result.get("sdp").asText());
        JsonNode invite = invitedApp.await("room_invite");
        assertThat(invite.get("room").asText()).isEqualTo(room);
        assertThat(invite.get("from_user").asText()).isEqualTo(ada);
        assertThat(server.get("/v1/rooms/" + room).status()).isEqualTo(200);

        creator.notifyServer("leave_room", Map.of());
        assertThat(invitedApp.await("room_invite_cancelled").get("reason").asText()).isEqualTo("room ended");
        Waits.waitUntil(() -> server.get("/v1/rooms/" + room).status() == 404, "the temporary room to be deleted");
        assertError(client().request("join_room", Map.of("sdp", peer.offer(true), "auth_token", invite.get("auth_token").asText())),
                404, "room doesn't exist");

        assertError(creator.request("create_temp_room", Map.of("call_id", "temp-2", "username", "ada", "password", "wrong",
                "sdp", peer.offer(true))), 401, "invalid username or password");
        assertError(creator.request("create_temp_room", Map.of("call_id", "temp-2", "username", "ada", "password", "ada-password")),
                400, "invalid request: sdp");
        assertError(creator.request("create_temp_room", Map.of("username", "ada", "password", "ada-password", "sdp", "v=0")),
                400, "invalid request: call_id");
        assertError(creator.request("create_temp_room", Map.of("call_id", "temp-3", "username", "ada", "password", "ada-password",
                "sdp", peer.offer(true), "invited", "1006")), 400, "invalid request: invited");
    }

    @Test
    void aCallBetweenTwoExtensionsBecomesARoomWithoutRedialling() {
        RpcClient aliceApp = app("ada", ada);
        RpcClient bobApp = app("bob", bob);
        int bobPhone = registerPhone("1002", "bob");
        try (RtpPhone mediaA = new RtpPhone(); RtpPhone mediaB = new RtpPhone();
             Sipp callee = phone(bobPhone, "answer", mediaB.port());
             Sipp caller = Sipp.start("caller.xml", Map.of("OUTCOME", Sipp.resource("caller-answered.part"), "FROM", "1001",
                     "MEDIA_PORT", String.valueOf(mediaA.port()), "HOLD", "50000"), sipPort, "-t", "u1", "-s", "1002",
                     "-au", "ada", "-ap", "ada-password")) {
            Waits.waitUntil(() -> port(caller, SipCallTest.ANSWER_SDP) > 0, "the call answered");
            java.util.regex.Matcher m = SipCallTest.CALL_ID.matcher(caller.messages());
            assertThat(m.find()).isTrue();
            String callId = m.group(1);

            assertError(client().request("convert_to_room", Map.of("call_id", callId)), 403,
                    "not a video registration (register_room_api first)");
            assertError(app("carol", uuidOf("carol")).request("convert_to_room", Map.of("call_id", callId)), 403,
                    "not a party to this call");
            assertError(aliceApp.request("convert_to_room", Map.of("call_id", UUID.randomUUID().toString())), 404, "no such call");
            assertError(aliceApp.request("convert_to_room", Map.of("call_id", "nope")), 404, "no such call");
            assertError(aliceApp.request("convert_to_room", Map.of()), 400, "invalid request: call_id");

            JsonNode converted = aliceApp.call("convert_to_room", Map.of("call_id", callId));
            String room = converted.get("room_id").asText();
            assertError(aliceApp.request("convert_to_room", Map.of("call_id", callId)), 409, "the call is already a room");
            assertThat(server.get("/v1/sip/calls").json().get("calls").findValuesAsText("call_id")).doesNotContain(callId);

            // leg b's user gets a token: watch_room works with it, and join_room adds video
            JsonNode notice = bobApp.await("call_converted_to_room");
            assertThat(notice.get("room").asText()).isEqualTo(room);
            assertThat(notice.get("call_id").asText()).isEqualTo(callId);
            String bobToken = notice.get("auth_token").asText();
            assertThat(bobApp.call("watch_room", Map.of("auth_token", bobToken)).get("room_id").asText()).isEqualTo(room);
            Waits.waitUntil(() -> bobApp.call("get_room_members", Map.of()).findValues("is_sip").stream()
                    .filter(JsonNode::asBoolean).count() == 2, "both legs in the room as SIP members");
            JsonNode members = bobApp.call("get_room_members", Map.of());

            // the phones still hear each other, now through the room's audio bridge
            mediaA.sendTone(1000, port(caller, SipCallTest.ANSWER_SDP));
            mediaB.sendTone(440, port(callee, OFFER_SDP));
            hears(mediaB, 1000, 440);
            hears(mediaA, 440, 1000);

            JavaPeer peer = open.track(new JavaPeer());
            RpcClient bobVideo = client();
            JsonNode joined = bobVideo.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", bobToken));
            assertThat(joined.get("is_admin").asBoolean()).isFalse();
            assertThat(joined.get("members")).hasSize(2);

            // the caller's app is the room's admin: it hangs up leg b
            RpcClient admin = client();
            admin.call("watch_room", Map.of("auth_token", converted.get("auth_token").asText()));
            String legB = null;
            for (JsonNode member : members) {
                if (member.get("name").asText().equals("bob display")) {
                    legB = member.get("id").asText();
                }
            }
            assertThat(legB).isNotNull();
            admin.call("remove_member", Map.of("member", legB));
            assertOk(callee.await()); // Atrium's BYE to bob's phone
            caller.hangUp(); // ada's phone hangs up
            assertOk(caller.await());
            bobVideo.close();
            Waits.waitUntil(() -> server.get("/v1/rooms/" + room).status() == 404, "the converted call's room to go",
                    Duration.ofSeconds(30));
        }
    }
}
