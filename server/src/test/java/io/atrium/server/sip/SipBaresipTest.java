package io.atrium.server.sip;

import static io.atrium.server.sip.SipRoomBrowserTest.hearsTone;
import static io.atrium.server.sip.SipRoomBrowserTest.sipMember;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Baresip;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Goertzel;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.SdkScripts;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import io.atrium.server.web.Participant;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * baresip, a real softphone (Opus), with the configuration docs/SIP.md gives a newcomer: it registers
 * with digest, dials a room's number and talks with a Chromium participant. Audio is checked by content
 * both ways: the browser's Web Audio analyser finds baresip's sine (its {@code ausine} microphone) on
 * the phone member's track, and what baresip decoded (dumped by its {@code sndfile} module) holds the
 * browser's microphone tone and not baresip's own.
 */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipBaresipTest {

    static final int BROWSER_TONE = 600;
    static final int PHONE_TONE = 1000;
    static final int BOB_TONE = 440;
    static final int RATE = 48_000;
    /** Longer than any wait here: a phone that stops ringing did so because it was cancelled, not timed out. */
    static final int RING_TIMEOUT = 100;
    /** The rooms' media timeout here (default 10 s): short, so that the hold outlasts it and a vanished phone is hung up soon. */
    static final int MEDIA_TIMEOUT = 5;

    TestServer server;
    int sipPort;
    Browser browser;

    @BeforeAll
    void start() throws IOException {
        sipPort = Ports.free();
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-baresip-"));
        c = c.withRooms(new AtriumConfig.Rooms(MEDIA_TIMEOUT, null, null, null));
        server = TestServer.start(Scrapes.withToken(c).withSip(new AtriumConfig.Sip(true, "127.0.0.1", sipPort, "", "atrium", 60, 3600,
                100, RING_TIMEOUT, 0, 0, List.of("MD5"), List.of())));
        assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"alice\",\"display_name\":\"Alice Softphone\","
                + "\"password\":\"alice-password\",\"sip_extension\":\"1001\"}}").status()).isEqualTo(201);
        assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"bob\",\"display_name\":\"Bob\","
                + "\"password\":\"bob-password\",\"sip_extension\":\"1002\"}}").status()).isEqualTo(201);
        browser = SipRoomBrowserTest.browserWithTone(BROWSER_TONE);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void baresipRegistersDialsARoomAndTalksWithABrowser() {
        TestServer.Response created = server.post("/v1/rooms", "{\"room\":{\"name\":\"softphone\",\"open\":true}}");
        assertThat(created.status()).isEqualTo(201);
        String room = created.json().at("/room/uuid").asText();
        String number = server.get("/v1/sip/rooms/" + room).json().get("number").asText();
        short[] heard;
        try (Participant host = Participant.open(server, "host", "/room.html?room=" + room + "&host=1", true,
                Chromium.newPage("host", new Browser.NewContextOptions(), browser)).join("Host")) {
            Baresip phone = Baresip.start(sipPort, "1001", "alice", "alice-password", PHONE_TONE);
            try {
                Waits.waitUntil(() -> registration() != null, () -> "baresip's digest registration; its log:\n" + phone.log(),
                        Duration.ofSeconds(30));
                JsonNode reg = registration();
                assertThat(reg.get("extension").asText()).isEqualTo("1001");
                assertThat(reg.get("username").asText()).isEqualTo("alice");

                phone.type("/dial " + number + "\n");
                String id = sipMember(host);
                assertThat(host.page.evaluate("id => atriumApp.client.members.get(id).name", id)).isEqualTo("Alice Softphone");
                hearsTone(host, id, PHONE_TONE, BROWSER_TONE);
                Waits.waitUntil(() -> phone.heardBytes() > 4L * RATE * 4, "4 s of the room's audio decoded by baresip", Participant.MEDIA);
            } finally {
                phone.close(); // hangs up (BYE) and closes its dump
            }
            heard = phone.heard();
            Chromium.waitFor(host.page, "![...atriumApp.client.members.values()].some(m => m.isSip)", Participant.MEDIA);
        }
        assertThat(blockPower(heard, BROWSER_TONE)).as(BROWSER_TONE + " Hz, the browser's microphone").isGreaterThan(0.3);
        assertThat(blockPower(heard, PHONE_TONE)).as(PHONE_TONE + " Hz, baresip's own voice").isLessThan(0.05);
        Waits.waitUntil(() -> registration() == null, "baresip's unregistration");
    }

    /** An SDK client that registers bob's app for invites and records them (page globals {@code invites}, {@code ends}). */
    static final String REGISTER_APP = """
            async ([user]) => {
              const { AtriumClient } = await import('/atrium.js');
              const client = new AtriumClient({ simulcast: false });
              window.client = client;
              window.invites = [];
              window.ends = [];
              client.addEventListener('invite', e => invites.push(e.detail));
              client.addEventListener('inviteend', e => ends.push(e.detail));
              return (await client.registerRoomApi({ username: user, password: user + '-password' })).expires_in;
            }""";

    /** The SDK's createTempRoom with the fake camera and microphone, inviting {@code invited}. */
    static final String CREATE_TEMP_ROOM = """
            async ([user, invited]) => {
              const { AtriumClient } = await import('/atrium.js');
              const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
              const client = new AtriumClient({ simulcast: false });
              window.client = client;
              window.rejects = [];
              client.addEventListener('invitereject', e => rejects.push(e.detail));
              const r = await client.createTempRoom({ username: user, password: user + '-password', invited },
                { audioTrack: media.getAudioTracks()[0], videoTrack: media.getVideoTracks()[0] });
              return { room: r.room, isAdmin: r.isAdmin, invited: r.invited.map(i => i.destination), failed: r.failed.length };
            }""";

    /** Answers the app's latest invite with the fake camera and microphone. */
    static final String ANSWER_LATEST = """
            async () => {
              const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
              client.answerInvite(invites[invites.length - 1]);
              await client.join({ audioTrack: media.getAudioTracks()[0], videoTrack: media.getVideoTracks()[0] });
              return client.room;
            }""";

    /**
     * Contract 002 end to end with real clients: alice's page starts a temporary room inviting 1002; bob's
     * app (a Chromium page holding a video registration) gets {@code room_invite} while bob's baresip rings,
     * and declines: baresip stops ringing (CANCEL) and alice gets {@code room_invite_reject}. Alice invites
     * 1002 again and baresip answers: the app is told {@code room_invite_completed_elsewhere} and the phone
     * talks in the room (by tone both ways). A third invite the app answers with the invite's token:
     * baresip stops ringing and the app and alice see and hear each other (decoded frames and audio).
     */
    @Test
    void anInvitedUsersAppAndSoftphoneRingTogetherAndTheFirstToAnswerWins() {
        try (Page alice = Chromium.newPage("alice", new Browser.NewContextOptions(), browser);
             Page bobApp = Chromium.newPage("bob-app", new Browser.NewContextOptions(), browser);
             Baresip phone = Baresip.start(sipPort, "1002", "bob", "bob-password", PHONE_TONE)) {
            for (Page p : List.of(alice, bobApp)) {
                p.navigate(server.uri("/healthz").toString());
            }
            Waits.waitUntil(() -> registration() != null, () -> "baresip's digest registration; its log:\n" + phone.log(),
                    Duration.ofSeconds(30));
            assertThat(bobApp.evaluate(REGISTER_APP, List.of("bob"))).isEqualTo(120);

            // bob's app declines: his phone stops ringing and alice hears why
            @SuppressWarnings("unchecked")
            Map<String, Object> created = (Map<String, Object>) alice.evaluate(CREATE_TEMP_ROOM, List.of("alice", List.of("1002")));
            assertThat(created).containsEntry("isAdmin", true).containsEntry("invited", List.of("1002")).containsEntry("failed", 0);
            String room = (String) created.get("room");
            Chromium.waitFor(bobApp, "invites.length === 1 && invites[0].room === '" + room + "'", Participant.MEDIA);
            Waits.waitUntil(() -> count(phone.log(), "Incoming call") == 1, "baresip rings", Participant.MEDIA);
            bobApp.evaluate("client.declineInvite(invites[0])");
            Chromium.waitFor(alice, "rejects.length === 1 && rejects[0].reason === 'declined' && rejects[0].destination === '1002'",
                    Participant.MEDIA);
            // baresip logs a CANCEL as its unanswered session closing (long before sip.ring_timeout_seconds)
            Waits.waitUntil(() -> count(phone.log(), "session closed") == 1, "baresip stops ringing (CANCEL)", Participant.MEDIA);

            // the phone answers first
            alice.evaluate("client.request('invite_exten', { extens: ['1002'] })");
            Chromium.waitFor(bobApp, "invites.length === 2", Participant.MEDIA);
            Waits.waitUntil(() -> count(phone.log(), "Incoming call") == 2, "baresip rings again", Participant.MEDIA);
            phone.type("/accept\n");
            String member = SipRoomBrowserTest.sipMember(alice, "client");
            assertThat(member).isEqualTo(bobApp.evaluate("invites[1].callId"));
            Chromium.waitFor(bobApp, "ends.length === 1 && ends[0].reason === 'answered elsewhere'", Participant.MEDIA);
            hearsTone(alice, "client", member, PHONE_TONE, BROWSER_TONE);
            Waits.waitUntil(() -> phone.heardBytes() > 3L * RATE * 4, "3 s of the room decoded by baresip", Participant.MEDIA);
            alice.evaluate("id => client.removeMember(id)", member); // Atrium's BYE
            Waits.waitUntil(() -> phone.log().contains("terminated"), "baresip's call ends", Participant.MEDIA);
            short[] heard = phone.heard();
            assertThat(blockPower(heard, BROWSER_TONE)).as(BROWSER_TONE + " Hz, alice's microphone").isGreaterThan(0.3);
            assertThat(blockPower(heard, PHONE_TONE)).as(PHONE_TONE + " Hz, baresip's own voice").isLessThan(0.05);

            // the app answers the next invite: the phone stops ringing
            int closed = count(phone.log(), "session closed");
            alice.evaluate("client.request('invite_exten', { extens: ['1002'] })");
            Chromium.waitFor(bobApp, "invites.length === 3", Participant.MEDIA);
            Waits.waitUntil(() -> count(phone.log(), "Incoming call") == 3, "baresip rings a third time", Participant.MEDIA);
            assertThat(bobApp.evaluate(ANSWER_LATEST)).isEqualTo(room);
            Waits.waitUntil(() -> count(phone.log(), "session closed") > closed, "baresip stops ringing (CANCEL)", Participant.MEDIA);
            assertThat(count(phone.log(), "Call established")).as("the phone answered once").isEqualTo(1);
            for (Page p : List.of(alice, bobApp)) {
                Chromium.waitFor(p, SdkScripts.DECODES_OTHER, Participant.MEDIA);
            }
            assertThat(bobApp.evaluate("ends.length")).isEqualTo(1);
            assertThat(alice.evaluate("rejects.length")).isEqualTo(1);
        }
        Waits.waitUntil(() -> registration() == null, "baresip's unregistration");
    }

    /**
     * The SDK after its socket drops. Bob's app that answered an invite (joined with the invite's
     * single-use token) rejoins the room on a new socket, and alice decodes it again; bob's idle app (a
     * video registration only) reconnects by itself. Both register again at once: bob has no phone, so an
     * invite sent right after the reconnects (long before the minute's refresh, restarted just before the
     * drop) is {@code not registered} unless they did, and it rings both apps.
     */
    @Test
    void appsWhoseSocketDropsRegisterAgainAtOnceAndAnAnsweredInviteRejoins() {
        Waits.waitUntil(() -> server.get("/v1/sip/registrations").json().get("registrations").isEmpty(), "no phone registered");
        try (Page alice = Chromium.newPage("alice", new Browser.NewContextOptions(), browser);
             Page bobApp = Chromium.newPage("bob-app", new Browser.NewContextOptions(), browser);
             Page bobIdle = Chromium.newPage("bob-idle", new Browser.NewContextOptions(), browser)) {
            List<Page> bobs = List.of(bobApp, bobIdle);
            for (Page p : List.of(alice, bobApp, bobIdle)) {
                p.navigate(server.uri("/healthz").toString());
            }
            for (Page p : bobs) {
                p.evaluate(REGISTER_APP, List.of("bob"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> created = (Map<String, Object>) alice.evaluate(CREATE_TEMP_ROOM, List.of("alice", List.of("1002")));
            String room = (String) created.get("room");
            Chromium.waitFor(bobApp, "invites.length === 1", Participant.MEDIA);
            assertThat(bobApp.evaluate(ANSWER_LATEST)).isEqualTo(room);
            for (Page p : List.of(alice, bobApp)) {
                Chromium.waitFor(p, SdkScripts.DECODES_OTHER, Participant.MEDIA);
            }
            Chromium.waitFor(bobIdle, "ends.length === 1 && ends[0].reason === 'answered elsewhere'", Participant.MEDIA);

            String decoded = "(async () => (await client.memberStats([...client.members.keys()][0])).video.framesDecoded)()";
            long before = ((Number) alice.evaluate(decoded)).longValue();
            for (Page p : bobs) {
                p.evaluate("client.registerRoomApi({ username: 'bob', password: 'bob-password' })"); // the next refresh in 60 s
                p.evaluate("window.reconnects = 0; client.addEventListener('reconnected', () => reconnects++); client.socket.close()");
            }
            for (Page p : bobs) {
                Chromium.waitFor(p, "reconnects === 1", Participant.MEDIA);
            }
            assertThat(bobApp.evaluate("client.state")).isEqualTo("joined");
            assertThat(bobIdle.evaluate("client.state")).isEqualTo("connected");
            assertThat(alice.evaluate("client.request('invite_exten', { extens: ['1002'] }).then(r => r.invited.map(i => i.destination))"))
                    .as("bob's apps registered again").isEqualTo(List.of("1002"));
            for (Page p : bobs) {
                Chromium.waitFor(p, "invites.length === 2", Participant.MEDIA);
            }
            Chromium.waitFor(alice, "(async () => (await client.memberStats([...client.members.keys()][0])).video.framesDecoded > "
                    + (before + 30) + ")()", Participant.MEDIA);
            Chromium.waitFor(bobApp, SdkScripts.DECODES_OTHER, Participant.MEDIA);
            bobIdle.evaluate("client.declineInvite(invites[1])");
            Chromium.waitFor(alice, "rejects.length === 1 && rejects[0].reason === 'declined'", Participant.MEDIA);
        }
    }

    /**
     * The web app's calls (docs/WEB.md, "Calls"): bob takes calls in two home-page tabs. Alice calls 1002
     * from her home page, signs in on the call's prejoin and is in the meeting; both of bob's tabs show
     * who calls. Bob answers in one (its room page joins at once with the invite's token): alice and bob
     * decode each other, and bob's other tab says the call was answered elsewhere. Alice calls again; bob
     * declines in the other tab, and alice's meeting says so.
     */
    @Test
    void theWebAppCallsAnExtensionWhoseWebAppAnswersOrDeclines() {
        try (Participant alice = Participant.open(server, "alice-call", "/", false, Chromium.newPage("alice-call", new Browser.NewContextOptions(), browser));
             Participant bobA = Participant.open(server, "bob-tab-a", "/", false, Chromium.newPage("bob-tab-a", new Browser.NewContextOptions(), browser));
             Participant bobB = Participant.open(server, "bob-tab-b", "/", false, Chromium.newPage("bob-tab-b", new Browser.NewContextOptions(), browser))) {
            for (Participant bob : List.of(bobA, bobB)) {
                bob.page.locator("#take-calls [name=username]").fill("bob");
                bob.page.locator("#take-calls [name=password]").fill("bob-password");
                bob.page.locator("#take-calls-button").click();
                shows(bob, "#calls-status", "You take calls here as bob");
            }
            callFromHome(alice);
            for (Participant bob : List.of(bobA, bobB)) {
                shows(bob, "#incoming", "Alice Softphone is calling you.");
            }
            bobA.page.locator("#answer").click();
            shows(bobB, "#calls-status", "The call was answered on another of your devices.");
            PlaywrightAssertions.assertThat(bobB.page.locator("#incoming")).isHidden();
            for (Participant p : List.of(alice, bobA)) {
                Chromium.waitFor(p.page, "atriumApp.client?.state === 'joined' && atriumApp.client.members.size === 1 && (async () =>"
                        + " (await atriumApp.client.memberStats([...atriumApp.client.members.keys()][0])).video.framesDecoded > 10)()",
                        Participant.MEDIA);
            }
            shows(alice, "#grid", "Bob");

            alice.page.navigate(server.uri("/").toString()); // alice hangs up, bob stays in that room alone
            callFromHome(alice);
            shows(bobB, "#incoming", "Alice Softphone is calling you.");
            bobB.page.locator("#decline").click();
            shows(bobB, "#calls-status", "You declined the call.");
            shows(alice, "#toast", "1002 declined the call.");
        }
    }

    /** Playwright's assertion of what {@code selector} shows on {@code p}, waiting up to {@link Participant#MEDIA}. */
    private static void shows(Participant p, String selector, String text) {
        PlaywrightAssertions.assertThat(p.page.locator(selector)).containsText(text,
                new LocatorAssertions.ContainsTextOptions().setTimeout(Participant.MEDIA.toMillis()));
    }

    /** Alice's home page calls 1002: the call's prejoin asks her to sign in, then she is in the meeting. */
    private static void callFromHome(Participant alice) {
        alice.page.locator("#call-to").fill("1002");
        alice.page.locator("#call button[type=submit]").click();
        shows(alice, "#prejoin-h", "Call 1002");
        Chromium.waitFor(alice.page, "atriumApp.videoTrack !== null", Chromium.PATIENCE);
        alice.page.locator("#prejoin-form [name=username]").fill("alice");
        alice.page.locator("#prejoin-form [name=password]").fill("alice-password");
        alice.page.locator("#join-button").click();
        PlaywrightAssertions.assertThat(alice.page.locator("#meeting")).isVisible(
                new LocatorAssertions.IsVisibleOptions().setTimeout(Participant.MEDIA.toMillis()));
    }

    /** Joins room {@code room} with token {@code token} sending the fake camera and silence (the phones hear only each other). */
    static final String JOIN_WITH_VIDEO = """
            async ([room, token]) => {
              const media = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
              client.answerInvite({ room, authToken: token });
              await client.join({ videoTrack: media.getVideoTracks()[0] });
              return client.room;
            }""";

    /**
     * baresip as alice (1001) calls bob's baresip (1002) through Atrium's B2BUA; each hears the other and
     * not itself. Then alice's app (a Chromium page registered for video) converts the call into a room
     * (contract 002's {@code convert_to_room}): bob's app gets {@code call_converted_to_room} and joins
     * with video from Chromium with its token, as alice's app does with hers; each decodes the other's
     * camera, bob's app hears alice's phone (now a SIP member), and the phones go on hearing each other
     * through the room's audio bridge until they hang up.
     */
    @Test
    void baresipCallsAnotherExtensionsBaresipAndTheCallBecomesARoomJoinedWithVideo() {
        short[] aliceHeard;
        short[] bobHeard;
        try (Baresip bob = Baresip.start(sipPort, "1002", "bob", "bob-password", BOB_TONE);
             Baresip alice = Baresip.start(sipPort, "1001", "alice", "alice-password", PHONE_TONE);
             Page aliceApp = Chromium.newPage("alice-app", new Browser.NewContextOptions(), browser);
             Page bobApp = Chromium.newPage("bob-app", new Browser.NewContextOptions(), browser)) {
            for (Page p : List.of(aliceApp, bobApp)) {
                p.navigate(server.uri("/healthz").toString());
            }
            aliceApp.evaluate(REGISTER_APP, List.of("alice"));
            bobApp.evaluate(REGISTER_APP, List.of("bob"));
            bobApp.evaluate("client.addEventListener('notification', e => {"
                    + " if (e.detail.method === 'call_converted_to_room') window.converted = e.detail.params; })");
            aliceCallsBob(alice, bob, 3);
            JsonNode calls = server.get("/v1/sip/calls").json().get("calls");
            assertThat(calls).hasSize(1);

            // alice's app converts the call; both apps join the room with video
            @SuppressWarnings("unchecked")
            Map<String, Object> converted = (Map<String, Object>) aliceApp.evaluate(
                    "id => client.request('convert_to_room', { call_id: id })", calls.get(0).get("call_id").asText());
            String room = (String) converted.get("room_id");
            assertThat(aliceApp.evaluate(JOIN_WITH_VIDEO, List.of(room, converted.get("auth_token")))).isEqualTo(room);
            Chromium.waitFor(bobApp, "window.converted?.room === '" + room + "'", Participant.MEDIA);
            assertThat(bobApp.evaluate("converted.auth_token")).isNotEqualTo(converted.get("auth_token"));
            assertThat(bobApp.evaluate(JOIN_WITH_VIDEO, bobApp.evaluate("[converted.room, converted.auth_token]"))).isEqualTo(room);
            for (Page p : List.of(aliceApp, bobApp)) {
                Chromium.waitFor(p, "(async () => { const m = [...client.members.values()].find(m => !m.isSip);"
                        + " return !!m && (await client.memberStats(m.id)).video.framesDecoded > 10; })()", Participant.MEDIA);
            }
            assertThat(bobApp.evaluate("[...client.members.values()].filter(m => m.isSip).map(m => m.name).sort()"))
                    .isEqualTo(List.of("Alice Softphone", "Bob"));
            String alicePhone = (String) bobApp.evaluate("[...client.members.values()].find(m => m.isSip && m.name === 'Alice Softphone').id");
            hearsTone(bobApp, "client", alicePhone, PHONE_TONE, BROWSER_TONE);
            long aliceHeardBefore = alice.heardBytes();
            long bobHeardBefore = bob.heardBytes();
            Waits.waitUntil(() -> alice.heardBytes() > aliceHeardBefore + 2L * RATE * 4 && bob.heardBytes() > bobHeardBefore + 2L * RATE * 4,
                    "2 s more decoded by each baresip, through the room", Participant.MEDIA);
            alice.type("/hangup\n");
            bob.type("/hangup\n");
            Waits.waitUntil(() -> bob.log().contains("terminated") && alice.log().contains("terminated"), "both calls end",
                    Participant.MEDIA);
            aliceHeard = alice.heard();
            bobHeard = bob.heard();
        }
        assertThat(blockPower(aliceHeard, BOB_TONE)).as("alice hears bob").isGreaterThan(0.3);
        assertThat(blockPower(aliceHeard, PHONE_TONE)).as("alice does not hear herself").isLessThan(0.05);
        assertThat(blockPower(bobHeard, PHONE_TONE)).as("bob hears alice").isGreaterThan(0.3);
        assertThat(blockPower(bobHeard, BOB_TONE)).as("bob does not hear himself").isLessThan(0.05);
        Waits.waitUntil(() -> server.get("/v1/sip/calls").json().get("calls").isEmpty(), "the call to end in Atrium");
    }

    /**
     * Bob's baresip vanishes mid-call with alice's (frozen: no more RTP, no BYE): within {@code rooms.media_timeout_seconds}
     * ({@value #MEDIA_TIMEOUT} s here) Atrium hangs up, alice's baresip ends the call on Atrium's BYE, and the call is gone from
     * {@code GET /v1/sip/calls} (docs/SIP.md, "A side that vanishes"). baresip logs no Reason (SipCallMediaTimeoutTest
     * checks it) and keeps a call without media up by itself ({@code rtp_timeout} is off).
     */
    @Test
    void aBaresipThatVanishesMidCallIsHungUpAndTheOtherGetsBye() {
        try (Baresip bob = Baresip.start(sipPort, "1002", "bob", "bob-password", BOB_TONE);
             Baresip alice = Baresip.start(sipPort, "1001", "alice", "alice-password", PHONE_TONE)) {
            aliceCallsBob(alice, bob, 2);
            bob.freeze();
            Waits.waitUntil(() -> alice.log().contains("terminated"), () -> "alice's call ends on Atrium's BYE:\n" + alice.log(),
                    Duration.ofSeconds(60));
            Waits.waitUntil(() -> server.get("/v1/sip/calls").json().get("calls").isEmpty(), "the call to end in Atrium");
        }
    }

    /**
     * Alice's baresip holds its call with bob's ({@code /hold}: a re-INVITE offering {@code a=sendonly}); Atrium's B2BUA
     * answers it and passes the hold on to bob's baresip, which agrees ({@code recvonly}): both stop sending RTP (baresip
     * holding sends none either; RTCP goes on), as {@code GET /v1/sip/calls} counts, and the call outlasts
     * {@code rooms.media_timeout_seconds} ({@value #MEDIA_TIMEOUT} s here). Alice resumes ({@code /resume}), Atrium passes that on too, and both
     * send again (docs/SIP.md, "Hold"). baresip's decoded-audio dump stops at a re-INVITE, so packets, not sound, are counted.
     */
    @Test
    void aBaresipHoldsAndResumesACallAndTheOtherBaresipIsToldBoth() throws InterruptedException {
        try (Baresip bob = Baresip.start(sipPort, "1002", "bob", "bob-password", BOB_TONE);
             Baresip alice = Baresip.start(sipPort, "1001", "alice", "alice-password", PHONE_TONE)) {
            aliceCallsBob(alice, bob, 2);
            alice.type("/hold\n");
            Waits.waitUntil(() -> packetsIn(1_000)[1] < 10, () -> "bob's baresip to stop sending once held:\n" + bob.log(),
                    Participant.MEDIA); // 50 RTP packets a second when talking; RTCP only when held
            Thread.sleep(MEDIA_TIMEOUT * 1000 + 2_000); // nothing to wait for: the held call must outlast the media timeout
            long[] held = packetsIn(2_000);
            assertThat(Arrays.stream(held).max().orElseThrow()).as("packets from alice's and bob's baresips in 2 s of the hold,"
                    + " past the media timeout: " + Arrays.toString(held)).isLessThan(10);
            alice.type("/resume\n");
            Waits.waitUntil(() -> Arrays.stream(packetsIn(1_000)).allMatch(n -> n > 30),
                    () -> "both baresips sending again after the resume; bob's log:\n" + bob.log(), Participant.MEDIA);
        }
    }

    /** The packets Atrium took from the one call's caller and callee over the next {@code millis}. */
    private long[] packetsIn(long millis) {
        JsonNode before = server.get("/v1/sip/calls").json().get("calls").get(0);
        Waits.sleep(millis);
        JsonNode after = server.get("/v1/sip/calls").json().get("calls").get(0);
        assertThat(after.get("call_id")).as("the same call").isEqualTo(before.get("call_id"));
        return new long[] {after.get("caller_packets").asLong() - before.get("caller_packets").asLong(),
                after.get("callee_packets").asLong() - before.get("callee_packets").asLong()};
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** baresip's registration in {@code GET /v1/sip/registrations}, or null. */
    JsonNode registration() {
        for (JsonNode r : server.get("/v1/sip/registrations").json().get("registrations")) {
            if (r.path("user_agent").asText().startsWith("baresip")) {
                return r;
            }
        }
        return null;
    }

    /** Goertzel power of {@code frequency} per 50 ms block, averaged over the blocks with sound. */
    static double blockPower(short[] pcm, double frequency) {
        int block = RATE / 20;
        double sum = 0;
        int blocks = 0;
        for (int off = 0; off + block <= pcm.length; off += block) {
            short[] b = Arrays.copyOfRange(pcm, off, off + block);
            double energy = 0;
            for (short v : b) {
                energy += (double) v * v;
            }
            if (energy / block > 100) {
                sum += Goertzel.power(b, block, RATE, frequency);
                blocks++;
            }
        }
        assertThat(blocks).as("blocks with sound").isGreaterThan(20);
        return sum / blocks;
    }

    /**
     * Once both baresips are registered, alice's dials 1002 and bob's answers; returns when each has decoded
     * {@code seconds} of the other's tone.
     */
    private void aliceCallsBob(Baresip alice, Baresip bob, int seconds) {
        Waits.waitUntil(() -> server.get("/v1/sip/registrations").json().get("registrations").findValuesAsText("user_agent")
                .stream().filter(a -> a.startsWith("baresip")).count() == 2,
                () -> "both baresips registered; bob's log:\n" + bob.log() + "\nalice's log:\n" + alice.log(), Duration.ofSeconds(30));
        alice.type("/dial 1002\n");
        Waits.waitUntil(() -> bob.log().contains("Incoming call"), "bob's baresip rings", Participant.MEDIA);
        bob.type("/accept\n");
        Waits.waitUntil(() -> alice.heardBytes() > seconds * RATE * 4L && bob.heardBytes() > seconds * RATE * 4L,
                seconds + " s decoded by each baresip", Participant.MEDIA);
    }
}
