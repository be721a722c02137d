package io.atrium.server.sip;

import static io.atrium.server.sip.SipCallTest.ANSWER_SDP;
import static io.atrium.server.sip.SipCallTest.port;
import static io.atrium.server.sip.SipRegistrarTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.recording.Media;
import io.atrium.server.testing.RtpPhone;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Rooms on the phone with phones only (SIPp dialling, its media an {@link RtpPhone}): wrong PINs hang up, two phones
 * hear each other and not themselves, a phone in a recorded room is recorded. No browser: these run beside a browser
 * class, not in the line of classes that hold {@code Chromium.LOCK} ({@link SipRoomBrowserTest} has the cases with one).
 */
class SipRoomPhoneTest extends PhoneRooms {

    @Test
    void threeWrongPinsHangUp() {
        String room = room("{\"name\":\"pin-wrong\",\"password\":\"2468\",\"force_password\":true}");
        try (RtpPhone media = new RtpPhone(); Sipp phone = dialRoom(number(room), media.port(), SipCallTest.normal("wrong PIN"))) {
            Waits.waitUntil(() -> port(phone, ANSWER_SDP) > 0, "Atrium's 200 OK to the phone");
            media.sendTone(800, port(phone, ANSWER_SDP));
            media.sendDigits("1111#2222#3333#");
            assertOk(phone.await()); // Atrium's BYE after the third wrong PIN
        }
        assertThat(server.get("/v1/rooms/" + room + "/members").json().get("live")).isEmpty();
    }

    /**
     * A phone that sends its keys in SIP INFO (no RFC 4733 in its RTP) types the room's PIN that way and is let in: both
     * bodies ({@code application/dtmf-relay}, {@code application/dtmf}), {@code #} sent as 11; an INFO of another type
     * gets 415 naming the types read, one naming no key 400, and neither spoils the PIN ({@code caller-room-info.part}).
     */
    @Test
    void aPinTypedInSipInfoLetsThePhoneIn() {
        String room = room("{\"name\":\"pin-info\",\"password\":\"2468\",\"force_password\":true}");
        try (RtpPhone media = new RtpPhone();
             Sipp phone = dial("alice", "1001", number(room), media.port(), "room-info", 0, SipCallTest.normal("the room ended"))) {
            Waits.waitUntil(() -> inRoom(server), "the phone in the room after its PIN in SIP INFO");
            assertThat(server.post("/v1/rooms/" + room + "/end", "").status()).isEqualTo(204);
            assertOk(phone.await());
        }
    }

    /** A room that ends hangs up its phones saying so: BYE with {@code Reason: Q.850;cause=16;text="the room ended"}. */
    @Test
    void aRoomThatEndsHangsUpItsPhonesSayingWhy() {
        String room = room("{\"name\":\"ends\",\"open\":true}");
        try (RtpPhone media = new RtpPhone(); Sipp phone = dialRoom(number(room), media.port(), SipCallTest.normal("the room ended"))) {
            Waits.waitUntil(() -> inRoom(server), "the phone in the room");
            assertThat(server.post("/v1/rooms/" + room + "/end", "").status()).isEqualTo(204);
            assertOk(phone.await());
        }
    }

    /** Whether a call into a room is in it now ({@code GET /v1/sip/calls}). */
    static boolean inRoom(io.atrium.server.testing.TestServer server) {
        for (JsonNode c : server.get("/v1/sip/calls").json().get("calls")) {
            if (c.get("state").asText().equals("in_room")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void twoPhonesInARoomHearEachOtherButNotThemselves() {
        String number = number(room("{\"name\":\"two phones\",\"open\":true}"));
        try (RtpPhone a = new RtpPhone(); RtpPhone b = new RtpPhone();
             Sipp phoneA = dial("alice", "1001", number, a.port(), "answered", 50_000);
             Sipp phoneB = dial("bob", "1002", number, b.port(), "answered", 50_000)) {
            Waits.waitUntil(() -> port(phoneA, ANSWER_SDP) > 0 && port(phoneB, ANSWER_SDP) > 0, "both phones answered");
            a.sendTone(PHONE_TONE, port(phoneA, ANSWER_SDP));
            b.sendTone(440, port(phoneB, ANSWER_SDP));
            assertHears(listen(a), 440, PHONE_TONE);
            assertHears(listen(b), PHONE_TONE, 440);
            phoneA.hangUp();
            phoneB.hangUp();
            assertOk(phoneA.await());
            assertOk(phoneB.await());
        }
    }

    /** A phone is a track like any other: in a room with {@code record} its voice is kept as an Opus file with its tone. */
    @Test
    void aPhoneInARecordedRoomIsRecordedAsItsOwnOpusTrack() throws Exception {
        String room = room("{\"name\":\"recorded call\",\"open\":true,\"record\":true}");
        try (RtpPhone media = new RtpPhone(); Sipp phone = dial(number(room), media.port(), "answered", 6_000)) {
            Waits.waitUntil(() -> port(phone, ANSWER_SDP) > 0, "Atrium's 200 OK to the phone");
            media.sendTone(PHONE_TONE, port(phone, ANSWER_SDP));
            assertOk(phone.await()); // it hangs up after 6 s: the room ends with its last member, and its recording stops
        }
        String list = "/v1/rooms/" + room + "/recordings";
        Waits.waitUntil(() -> server.get(list).json().at("/recordings/0/state").asText().equals("ready"),
                "the phone's recording finished", Duration.ofMinutes(1));
        JsonNode files = server.get(list).json().at("/recordings/0/files");
        assertThat(files).as(files.toString()).hasSize(1);
        Path local = Files.createTempFile("atrium-phone-", ".webm");
        try {
            var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    server.uri(files.get(0).path("url").asText())).build(), java.net.http.HttpResponse.BodyHandlers.ofFile(local));
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode probe = Media.probe(local);
            assertThat(probe.at("/streams/0/codec_name").asText()).isEqualTo("opus");
            assertThat(probe.at("/format/duration").asDouble()).as("about the 6 s the phone talked").isBetween(4.0, 8.0);
            Media.assertDecodesCleanly(local);
            assertThat(Media.tonePresence(Media.pcm(local), PHONE_TONE)).as("the phone's tone").isGreaterThan(0.8);
        } finally {
            Files.deleteIfExists(local);
        }
    }

    @Test
    void unknownRoomsHaveNoNumber() {
        assertThat(server.get("/v1/sip/rooms/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(server.get("/v1/sip/rooms/not-a-uuid").status()).isEqualTo(400);
    }
}
