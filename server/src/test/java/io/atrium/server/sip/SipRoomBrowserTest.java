package io.atrium.server.sip;

import static io.atrium.server.sip.SipCallTest.ANSWER_SDP;
import static io.atrium.server.sip.SipCallTest.CALL_ID;
import static io.atrium.server.sip.SipCallTest.port;
import static io.atrium.server.sip.SipRegistrarTest.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.RtpPhone;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.ToneWav;
import io.atrium.server.testing.Waits;
import io.atrium.server.web.Participant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Rooms on the phone with a browser in them: SIPp dials a room's number (its media an
 * {@link RtpPhone} sending a μ-law tone), Chromium is in the room with a fake microphone playing another
 * tone (a WAV file). Audio is checked by content both ways: the browser's Web Audio analyser finds the
 * phone's tone on the phone member's track, the phone's Goertzel filter finds the browser's tone and
 * not its own. The phone is a member with {@code is_sip}; an admin's mute stops its audio in the room,
 * removing it hangs it up (BYE), its own hang-up leaves the room. PIN by DTMF and the waiting room are
 * the rooms' rules applied to a phone. The cases with phones only are {@link SipRoomPhoneTest}'s.
 */
@ResourceLock(Chromium.LOCK)
class SipRoomBrowserTest extends PhoneRooms {

    static final double BROWSER_TONE = 600;

    Browser browser;

    @BeforeAll
    void startBrowser() throws IOException {
        browser = browserWithTone(BROWSER_TONE);
    }

    /** Chromium whose fake microphone plays {@code frequency} (a WAV it loops). */
    static Browser browserWithTone(double frequency) throws IOException {
        Path wav = Files.createTempDirectory("atrium-tone-").resolve("tone.wav");
        ToneWav.write(wav, frequency);
        return Chromium.browser(List.of("--use-file-for-fake-audio-capture=" + wav, "--autoplay-policy=no-user-gesture-required"));
    }

    /** The host joins {@code room} in the browser whose microphone plays {@link #BROWSER_TONE}. */
    Participant host(String room) {
        return Participant.open(server, "host", "/room.html?room=" + room + "&host=1", true,
                Chromium.newPage("host", new Browser.NewContextOptions(), browser)).join("Host");
    }

    /** The id of the SIP member the page sees (waits for it). */
    static String sipMember(Participant p) {
        return sipMember(p.page, "atriumApp.client");
    }

    /** The id of the SIP member that the SDK client {@code client} (a JS expression) on {@code page} sees (waits for it). */
    static String sipMember(Page page, String client) {
        Chromium.waitFor(page, "[..." + client + ".members.values()].some(m => m.isSip)", Participant.MEDIA);
        return (String) page.evaluate("[..." + client + ".members.values()].find(m => m.isSip).id");
    }

    /**
     * Waits until the page's Web Audio analyser, on the audio track received from {@code member}, finds
     * {@code frequency} at least 20 dB above {@code absent}.
     */
    static void hearsTone(Participant p, String member, double frequency, double absent) {
        hearsTone(p.page, "atriumApp.client", member, frequency, absent);
    }

    /** As above for the SDK client {@code client} (a JS expression) on {@code page}. */
    static void hearsTone(Page page, String client, String member, double frequency, double absent) {
        page.evaluate("""
                id => {
                  const track = %s._slots.get(id).audio.receiver.track;
                  const ctx = new AudioContext();
                  const analyser = ctx.createAnalyser();
                  analyser.fftSize = 8192;
                  ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
                  const keep = new Audio();
                  keep.srcObject = new MediaStream([track]); // Chromium feeds Web Audio from a remote track only while it plays
                  keep.muted = true;
                  keep.play();
                  window.sipAnalyser = { ctx, analyser, keep };
                  ctx.resume();
                }""".formatted(client), member);
        Chromium.waitFor(page, """
                (() => {
                  const { ctx, analyser } = window.sipAnalyser;
                  const data = new Float32Array(analyser.frequencyBinCount);
                  analyser.getFloatFrequencyData(data);
                  const at = f => { const i = Math.round(f * analyser.fftSize / ctx.sampleRate); return Math.max(data[i - 1], data[i], data[i + 1]); };
                  const tone = at(%s), other = at(%s);
                  return (tone > -70 && tone - other > 20) || { tone, other, state: ctx.state };
                })()""".formatted(frequency, absent), Participant.MEDIA);
    }

    @Test
    void aPhoneInARoomTalksWithABrowserIsMutedAndRemovedByTheHost() {
        String room = room("{\"name\":\"phones\",\"open\":true}");
        String number = number(room);
        try (Participant host = host(room); RtpPhone media = new RtpPhone();
             Sipp phone = dial(number, media.port(), "room", 0)) {
            Waits.waitUntil(() -> port(phone, ANSWER_SDP) > 0, "Atrium's 200 OK to the phone");
            media.sendTone(PHONE_TONE, port(phone, ANSWER_SDP));
            String id = sipMember(host);
            Matcher callId = CALL_ID.matcher(phone.messages());
            assertThat(callId.find()).isTrue();
            assertThat(id).as("the member id is the call id the phone got").isEqualTo(callId.group(1));
            assertThat(host.page.evaluate("id => atriumApp.client.members.get(id).name", id)).isEqualTo("Alice Phone");
            JsonNode call = call(id);
            assertThat(call.get("to").asText()).isEqualTo(number);
            Waits.waitUntil(() -> call(id).get("state").asText().equals("in_room"), "the call listed as in the room");
            JsonNode live = server.get("/v1/rooms/" + room + "/members").json().get("live");
            assertThat(live.findValues("is_sip").stream().filter(JsonNode::asBoolean).count()).isEqualTo(1);
            String metrics = Scrapes.scrape(server);
            assertThat(Scrapes.value(metrics, "atrium_members{kind=\"sip\"}")).as("the phone on /metrics").isEqualTo(1);
            assertThat(Scrapes.value(metrics, "atrium_members{kind=\"webrtc\"}")).as("the host").isEqualTo(1);

            hearsTone(host, id, PHONE_TONE, BROWSER_TONE);
            assertHears(listen(media), BROWSER_TONE, PHONE_TONE);

            host.page.evaluate("id => atriumApp.client.muteMember(id, 'audio')", id);
            Chromium.waitFor(host.page, "atriumApp.client.members.get('" + id + "').audioMutedByAdmin", Participant.MEDIA);
            host.waitForSteady(id, "audio", "packetsReceived", Duration.ofSeconds(2), Participant.MEDIA);

            host.page.evaluate("id => atriumApp.client.removeMember(id)", id);
            assertOk(phone.await()); // it got Atrium's BYE
            Chromium.waitFor(host.page, "!atriumApp.client.members.has('" + id + "')", Participant.MEDIA);
            Waits.waitUntil(() -> call(id) == null, "the room call to end");
        }
    }

    @Test
    void thePhonesKeypadTogglesItsOwnMuteAndHand() {
        String room = room("{\"name\":\"keypad\",\"open\":true}");
        try (Participant host = host(room); RtpPhone media = new RtpPhone(); Sipp phone = dial(number(room), media.port(), "room", 0)) {
            Waits.waitUntil(() -> port(phone, ANSWER_SDP) > 0, "Atrium's 200 OK to the phone");
            media.sendTone(PHONE_TONE, port(phone, ANSWER_SDP));
            String id = sipMember(host);
            String member = "atriumApp.client.members.get('" + id + "')";
            hearsTone(host, id, PHONE_TONE, BROWSER_TONE);

            media.sendDigits("*6");
            Chromium.waitFor(host.page, member + ".audioMuted && !" + member + ".audioMutedByAdmin", Participant.MEDIA);
            host.waitForSteady(id, "audio", "packetsReceived", Duration.ofSeconds(2), Participant.MEDIA); // its audio stopped
            host.page.evaluate("window.keys = []; atriumApp.client.addEventListener('dtmf', e => keys.push(e.detail.member.id + ':' + e.detail.digits))");
            media.sendDigits("9*9"); // a digit without * is no command: it goes to the room
            Chromium.waitFor(host.page, member + ".handRaised", Participant.MEDIA);
            assertThat((Boolean) host.page.evaluate(member + ".audioMuted")).as("9 alone did not unmute").isTrue();
            assertThat(host.page.evaluate("keys.join()")).as("the room saw the 9, not the command").isEqualTo(id + ":9");
            // the host's digits reach the phone as RFC 4733 events, in order
            host.page.evaluate("id => atriumApp.client.sendDtmf('1#5', id)", id);
            assertThat(media.receiveDigits(3, Participant.MEDIA)).isEqualTo("1#5");
            media.sendDigits("*6");
            Chromium.waitFor(host.page, "!" + member + ".audioMuted", Participant.MEDIA);
            hearsTone(host, id, PHONE_TONE, BROWSER_TONE);
            media.sendDigits("*9");
            Chromium.waitFor(host.page, "!" + member + ".handRaised", Participant.MEDIA);

            host.page.evaluate("id => atriumApp.client.muteMember(id, 'audio')", id);
            Chromium.waitFor(host.page, member + ".audioMutedByAdmin", Participant.MEDIA);
            media.sendDigits("*6*9"); // the admin's mute holds; the hand goes up after the refused unmute
            Chromium.waitFor(host.page, member + ".handRaised", Participant.MEDIA);
            assertThat((Boolean) host.page.evaluate(member + ".audioMuted")).as("an admin's mute is not lifted by *6").isTrue();
            host.page.evaluate("id => atriumApp.client.removeMember(id)", id);
            assertOk(phone.await());
        }
    }

    @Test
    void aPhonesReceiverReportsAreItsConnectionQuality() {
        String room = room("{\"name\":\"quality\",\"open\":true}");
        try (Participant host = host(room); RtpPhone media = new RtpPhone(); Sipp phone = dial(number(room), media.port(), "room", 0)) {
            Waits.waitUntil(() -> port(phone, ANSWER_SDP) > 0, "Atrium's 200 OK to the phone");
            int rtcp = port(phone, ANSWER_SDP) + 1;
            media.sendTone(PHONE_TONE, port(phone, ANSWER_SDP));
            String id = sipMember(host);
            String member = "atriumApp.client.members.get('" + id + "')";
            assertHears(listen(media), BROWSER_TONE, PHONE_TONE); // also learns the SSRC Atrium sends with
            assertThat(host.page.evaluate(member + ".quality")).as("no report yet").isEqualTo("unknown");
            media.sendReceiverReport(rtcp, 64, 40); // 25 % lost
            Chromium.waitFor(host.page, member + ".quality === 'poor'", Participant.MEDIA);
            media.sendReceiverReport(rtcp, 0, 40); // nothing lost, 5 ms jitter at 8 kHz
            Chromium.waitFor(host.page, member + ".quality === 'excellent'", Participant.MEDIA);
            // Atrium's sender reports now reach the phone (at the address its RTCP came from); echoed late, they make the round trip
            RtpPhone.SenderReport sr = media.awaitSenderReport(Duration.ofSeconds(30)).orElseThrow();
            Waits.sleep(700); // the echo takes 700 ms: a long round trip
            media.sendReceiverReport(rtcp, 0, 40, sr.lsr(), 0);
            Chromium.waitFor(host.page, member + ".quality === 'poor'", Participant.MEDIA);
            long held = (System.nanoTime() - sr.arrivedNanos()) * 65536 / 1_000_000_000L; // the phone held it all that time
            media.sendReceiverReport(rtcp, 0, 40, sr.lsr(), held);
            Chromium.waitFor(host.page, member + ".quality === 'excellent'", Participant.MEDIA);
            host.page.evaluate("id => atriumApp.client.removeMember(id)", id);
            assertOk(phone.await());
        }
    }

    @Test
    void aPhoneHoldsAndResumesInAnotherCodecByReInvite() {
        String room = room("{\"name\":\"hold\",\"open\":true}");
        try (Participant host = host(room); RtpPhone media = new RtpPhone(); Sipp phone = dial(number(room), media.port(), "hold", 2_000)) {
            Waits.waitUntil(() -> port(phone, ANSWER_SDP) > 0, "Atrium's 200 OK to the phone");
            media.sendTone(PHONE_TONE, port(phone, ANSWER_SDP));
            String id = sipMember(host);
            Waits.waitUntil(() -> answered(phone, 3), "Atrium's 200 OK to the hold (a=inactive)", Duration.ofSeconds(30));
            media.quiet(true); // on hold the phone sends nothing either: longer than the room's media timeout
            for (int round = 0; round < 50 && media.receive(8000, Duration.ofMillis(300)).length >= 160; round++) {
                // what arrived before the hold (nobody read the socket so far)
            }
            assertThat(media.receive(800, Duration.ofSeconds(2)).length).as("nothing sent to a phone on hold").isLessThan(160);

            Waits.waitUntil(() -> answered(phone, 4), "Atrium's 200 OK to the resume in PCMA", Duration.ofSeconds(HELD_MILLIS / 1000 + 30));
            media.payloadTypes(8, 96);
            media.quiet(false);
            assertThat((Boolean) host.page.evaluate("id => atriumApp.client.members.has(id)", id)).as("held, not dropped as silent").isTrue();
            hearsTone(host, id, PHONE_TONE, BROWSER_TONE); // Atrium decodes A-law now
            assertHears(listen(media), BROWSER_TONE, PHONE_TONE); // and sends it
            media.sendDigits("*9"); // telephone-event as 96 now
            Chromium.waitFor(host.page, "atriumApp.client.members.get('" + id + "').handRaised", Participant.MEDIA);
            host.page.evaluate("id => atriumApp.client.removeMember(id)", id);
            assertOk(phone.await());
        }
    }

    @Test
    void aPasswordRoomTakesThePinByDtmfAndThePhoneHangingUpLeavesTheRoom() {
        String room = room("{\"name\":\"pin\",\"password\":\"2468\",\"force_password\":true}");
        String number = number(room);
        try (Participant host = host(room); RtpPhone media = new RtpPhone();
             Sipp phone = dial(number, media.port(), "answered", 50_000)) {
            Waits.waitUntil(() -> port(phone, ANSWER_SDP) > 0, "Atrium's 200 OK to the phone");
            media.sendTone(800, port(phone, ANSWER_SDP));
            short[] prompt = media.receive(24_000, Duration.ofSeconds(20)); // 3 s: the PIN prompt beeps at 1 kHz
            assertTone(prompt, PHONE_TONE, 800, "the PIN prompt");
            assertThat((Boolean) host.page.evaluate("[...atriumApp.client.members.values()].some(m => m.isSip)")).isFalse();
            media.sendDigits("1357#2468#"); // a wrong PIN, then the right one typed ahead
            String id = sipMember(host);
            hearsTone(host, id, 800, BROWSER_TONE);
            phone.hangUp();
            assertOk(phone.await());
            Chromium.waitFor(host.page, "!atriumApp.client.members.has('" + id + "')", Participant.MEDIA);
        }
    }

    @Test
    void aWaitingRoomHoldsThePhoneUntilTheHostAdmitsOrRejectsIt() {
        String room = room("{\"name\":\"lobby\",\"force_waiting_room\":true}");
        String number = number(room);
        String alice = userId("alice");
        try (Participant host = host(room); RtpPhone media = new RtpPhone(); Sipp phone = dial(number, media.port(), "room", 0)) {
            Waits.waitUntil(() -> port(phone, ANSWER_SDP) > 0, "Atrium's 200 OK to the phone");
            media.sendTone(PHONE_TONE, port(phone, ANSWER_SDP));
            Chromium.waitFor(host.page, "atriumApp.client.waiting.size === 1", Participant.MEDIA);
            @SuppressWarnings("unchecked")
            Map<String, Object> waiting = (Map<String, Object>) host.page.evaluate("[...atriumApp.client.waiting.values()][0]");
            assertThat(waiting.get("name")).isEqualTo("Alice Phone");
            assertThat(waiting.get("user")).as("member_waiting carries the SIP user").isEqualTo(alice);
            short[] tone = media.receive(48_000, Duration.ofSeconds(30)); // 6 s: 425 Hz, 1 s on, 4 s off
            assertTone(tone, 425, PHONE_TONE, "the waiting tone");

            host.page.evaluate("id => atriumApp.client.allowMember(id)", waiting.get("member"));
            String id = sipMember(host);
            assertThat(id).isEqualTo(waiting.get("member"));
            hearsTone(host, id, PHONE_TONE, BROWSER_TONE);
            host.page.evaluate("id => atriumApp.client.removeMember(id)", id);
            assertOk(phone.await());

            try (RtpPhone second = new RtpPhone(); Sipp rejected = dial(number, second.port(), "room", 0)) {
                Chromium.waitFor(host.page, "atriumApp.client.waiting.size === 1", Participant.MEDIA);
                host.page.evaluate("atriumApp.client.rejectMember([...atriumApp.client.waiting.keys()][0])");
                assertOk(rejected.await()); // rejected: Atrium's BYE
            }
        }
    }

}
