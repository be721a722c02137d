package io.atrium.server.sip;

import static io.atrium.server.sip.SipCallTest.ANSWER_SDP;
import static io.atrium.server.sip.SipCallTest.port;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Goertzel;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.RtpPhone;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What the tests of rooms on the phone share ({@link SipRoomBrowserTest} with a browser in the room, {@link SipRoomPhoneTest}
 * with phones only): one Atrium per class with SIP on and the users alice (1001) and bob (1002), SIPp phones that dial a
 * room's number, and the checks of what a phone heard.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PhoneRooms {

    static final double PHONE_TONE = 1000;
    /** The rooms' media timeout here (default 10 s): short, so that the hold test outlasts it quickly. */
    static final int MEDIA_TIMEOUT = 5;
    /** How long the "hold" phone holds the call: longer than the room's media timeout and its tick. */
    static final int HELD_MILLIS = MEDIA_TIMEOUT * 1000 + 2_000;

    TestServer server;
    int sipPort;

    @BeforeAll
    void startServer() throws IOException {
        sipPort = Ports.free();
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-room-"));
        c = new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(), new AtriumConfig.Rooms(MEDIA_TIMEOUT, 15,
                262_144, 50));
        server = TestServer.start(Scrapes.withToken(c).withSip(new AtriumConfig.Sip(true, "127.0.0.1", sipPort, "", "atrium", 1, 3600, 100,
                10, 0, 0, List.of("MD5"), List.of())));
        user("alice", "Alice Phone", "1001");
        user("bob", "Bob Phone", "1002");
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    void user(String name, String displayName, String extension) {
        assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"" + name + "\",\"display_name\":\"" + displayName
                + "\",\"password\":\"" + name + "-password\",\"sip_extension\":\"" + extension + "\"}}").status()).isEqualTo(201);
    }

    String room(String json) {
        TestServer.Response r = server.post("/v1/rooms", "{\"room\":" + json + "}");
        assertThat(r.status()).isEqualTo(201);
        return r.json().at("/room/uuid").asText();
    }

    String number(String room) {
        TestServer.Response r = server.get("/v1/sip/rooms/" + room);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("uri").asText()).isEqualTo("sip:" + r.json().get("number").asText() + "@127.0.0.1:" + sipPort);
        return r.json().get("number").asText();
    }

    /** Alice's phone dials {@code number}; {@code outcome}: room (until Atrium's BYE) or answered (hangs up on {@link Sipp#hangUp}, at most after HOLD). */
    Sipp dial(String number, int mediaPort, String outcome, int holdMillis) {
        return dial("alice", "1001", number, mediaPort, outcome, holdMillis);
    }

    Sipp dial(String user, String extension, String number, int mediaPort, String outcome, int holdMillis) {
        return dial(user, extension, number, mediaPort, outcome, holdMillis, ".*");
    }

    /** Alice's phone dials {@code number} and stays in the room until Atrium's BYE, whose Reason must match {@code reason}. */
    Sipp dialRoom(String number, int mediaPort, String reason) {
        return dial("alice", "1001", number, mediaPort, "room", 0, reason);
    }

    Sipp dial(String user, String extension, String number, int mediaPort, String outcome, int holdMillis, String reason) {
        Map<String, String> fill = new HashMap<>();
        fill.put("REASON", reason);
        fill.put("OUTCOME", Sipp.resource("caller-" + outcome + ".part"));
        fill.put("FROM", extension);
        fill.put("MEDIA_PORT", String.valueOf(mediaPort));
        fill.put("HOLD", String.valueOf(holdMillis));
        fill.put("HELD", String.valueOf(HELD_MILLIS));
        return Sipp.start("caller.xml", fill, sipPort, "-t", "u1", "-s", number, "-au", user, "-ap", user + "-password");
    }

    /** Whether the phone got a 200 OK to its INVITE with CSeq {@code cseq} (SIPp checked its SDP). */
    static boolean answered(Sipp phone, int cseq) {
        return phone.messages().matches("(?s).*CSeq: " + cseq + " INVITE.*SIP/2.0 200 OK.*CSeq: " + cseq + " INVITE.*");
    }

    /**
     * The tone {@code expected} dominates what the phone heard and {@code absent} is not in it: Goertzel
     * power per 50 ms block, averaged over the blocks with sound (a frame the bridge conceals or skips
     * breaks the phase, so one filter over the whole recording would understate a tone that is there).
     */
    static void assertHears(short[] pcm, double expected, double absent) {
        assertThat(pcm.length).as("samples received").isGreaterThanOrEqualTo(1600);
        assertThat(blockPower(pcm, expected)).as(expected + " Hz").isGreaterThan(0.3);
        assertThat(blockPower(pcm, absent)).as(absent + " Hz").isLessThan(0.05);
    }

    static double blockPower(short[] pcm, double frequency) {
        int block = 400;
        double sum = 0;
        int blocks = 0;
        for (int off = 0; off + block <= pcm.length; off += block) {
            short[] b = java.util.Arrays.copyOfRange(pcm, off, off + block);
            double energy = 0;
            for (short v : b) {
                energy += (double) v * v;
            }
            if (energy / block > 100) { // skip silent blocks
                sum += Goertzel.power(b, block, RtpPhone.RATE, frequency);
                blocks++;
            }
        }
        return blocks == 0 ? 0 : sum / blocks;
    }

    /**
     * A tone that sounds only part of the time (a prompt): {@code expected} holds a share of the block's
     * energy (Goertzel power is about the fraction of time it sounds) and {@code absent} almost none.
     */
    static void assertTone(short[] pcm, double expected, double absent, String what) {
        assertThat(pcm.length).as("samples received").isGreaterThanOrEqualTo(8000);
        double on = Goertzel.power(pcm, pcm.length, RtpPhone.RATE, expected);
        assertThat(on).as(what + " at " + expected + " Hz").isGreaterThan(0.05);
        assertThat(Goertzel.power(pcm, pcm.length, RtpPhone.RATE, absent)).as(absent + " Hz").isLessThan(on / 20);
    }

    /** The phone's audio in the room: 2 s of what it receives, decoded, after the first second. */
    static short[] listen(RtpPhone phone) {
        phone.receive(8000, Duration.ofSeconds(20));
        return phone.receive(16000, Duration.ofSeconds(20));
    }

    /** The call {@code id} as {@code GET /v1/sip/calls} lists it, or null. */
    JsonNode call(String id) {
        for (JsonNode c : server.get("/v1/sip/calls").json().get("calls")) {
            if (c.get("call_id").asText().equals(id)) {
                return c;
            }
        }
        return null;
    }

    String userId(String username) {
        for (JsonNode u : server.get("/v1/users").json().get("users")) {
            if (u.get("username").asText().equals(username)) {
                return u.get("uuid").asText();
            }
        }
        throw new AssertionError("no user " + username);
    }
}
