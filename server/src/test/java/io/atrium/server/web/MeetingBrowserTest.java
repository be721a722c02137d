package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.Chromium;
import org.junit.jupiter.api.parallel.Isolated;
import io.atrium.server.testing.Steps;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The meeting app end to end in four real Chromium pages (fake camera and microphone) through a
 * real Atrium. One meeting is built up and used step by step, in order, to keep the suite within
 * what 2 cores do in a few minutes: each step asserts what the people in it see. Every wait is for a
 * state or an event with a generous deadline (the suite runs on a shared, often loaded machine); once
 * a step fails, the later ones fail at once naming it ({@link Steps}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Isolated
class MeetingBrowserTest {

    private static final Duration MEDIA = Participant.MEDIA;

    @RegisterExtension
    final Steps steps = new Steps();

    private TestServer server;
    private String room;
    private final List<Participant> people = new ArrayList<>();
    private Participant ann, bob, cat, dan;
    private String annId, bobId, catId, danId;

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
        room = server.post("/v1/rooms", "{\"room\":{\"name\":\"standup\",\"open\":true}}").json().at("/room/uuid").asText();
    }

    @AfterAll
    void stop() {
        people.forEach(Participant::close);
        server.close();
    }

    private Participant open(String label, boolean host) {
        Participant p = Participant.open(server, label, "/room.html?room=" + room + (host ? "&host=1" : ""), host);
        people.add(p);
        return p;
    }

    @Test
    @Order(1)
    void twoParticipantsSeeEachOther() {
        ann = open("ann", true);
        bob = open("bob", false);
        Chromium.waitFor(ann.page, "document.getElementById('preview').readyState >= 2", MEDIA);
        ann.page.locator("#prejoin-form [name=name]").fill("Ann");
        Chromium.screenshot(ann.page, "prejoin");
        Participant.joinTogether(List.of(ann, bob), "Ann", "Bob");
        annId = ann.callId();
        assertThat((Boolean) ann.page.evaluate("atriumApp.client.isAdmin")).as("the host link makes Ann an admin").isTrue();
        bobId = bob.callId();
        assertThat((Boolean) bob.page.evaluate("atriumApp.client.isAdmin")).isFalse();

        Participant.seeEachOther(List.of(ann, bob));
        assertThat(ann.tile(bobId).locator(".name")).hasText("Bob");
        assertThat(bob.tile(annId).locator(".name")).hasText("Ann");
        ann.waitForGrowth(bobId, "audio", "packetsReceived", 20, MEDIA);
    }

    @Test
    @Order(2)
    void fourParticipantsSeeEachOther() {
        cat = open("cat", false);
        dan = open("dan", false);
        Participant.joinTogether(List.of(cat, dan), "Cat", "Dan");
        catId = cat.callId();
        danId = dan.callId();

        Participant.seeEachOther(List.of(ann, bob, cat, dan));
        for (Participant p : List.of(ann, bob, cat, dan)) {
            assertThat(p.page.locator("#grid .tile")).hasCount(4);
        }
        Chromium.screenshot(ann.page, "meeting-4-people");
    }

    @Test
    @Order(3)
    void aMuteShowsOnTheOthersTilesAndTheirAudioStops() {
        bob.page.locator("#mic").click();
        assertThat(bob.page.locator("#mic")).hasAttribute("aria-pressed", "true");
        for (Participant p : List.of(ann, cat, dan)) {
            assertThat(p.tile(bobId).locator("[data-indicator=mic-muted]")).isVisible();
        }
        assertThat(ann.tile(catId).locator("[data-indicator=mic-muted]")).isHidden();

        // Atrium stops forwarding the muted track: no more audio packets arrive from Bob (for 3 s running)
        ann.waitForSteady(bobId, "audio", "packetsReceived", Duration.ofSeconds(3), MEDIA);
        // ...but video still flows, and Bob is not removed for inactivity (his RTP keeps flowing)
        ann.waitForGrowth(bobId, "video", "framesDecoded", 5, MEDIA);

        bob.page.locator("#mic").click();
        assertThat(ann.tile(bobId).locator("[data-indicator=mic-muted]")).isHidden();
        ann.waitForGrowth(bobId, "audio", "packetsReceived", 20, MEDIA);
    }

    @Test
    @Order(4)
    void aScreenShareAppearsAsTheLargeTile() {
        cat.page.locator("#screen").click();
        assertThat(cat.page.locator("#screen")).hasAttribute("aria-pressed", "true");
        for (Participant p : List.of(ann, bob, dan)) {
            assertThat(p.page.locator("#screen-area .tile.share[data-member='" + catId + "']")).isVisible();
            assertThat(p.page.locator("#stage")).hasClass(java.util.regex.Pattern.compile(".*has-screen.*"));
            p.waitForGrowth(catId, "screen", "framesDecoded", 5, MEDIA);
        }
        double screenWidth = ((Number) ann.page.evaluate("document.querySelector('#screen-area .tile').getBoundingClientRect().width")).doubleValue();
        double tileWidth = ((Number) ann.page.evaluate("document.querySelector('#grid .tile').getBoundingClientRect().width")).doubleValue();
        assertThat(screenWidth).as("the shared screen is the large tile").isGreaterThan(tileWidth * 2);
        Chromium.screenshot(ann.page, "meeting-screen-share");

        cat.page.locator("#screen").click();
        for (Participant p : List.of(ann, bob, dan)) {
            assertThat(p.page.locator("#screen-area .tile")).hasCount(0);
        }
    }

    @Test
    @Order(5)
    void raisedHandsAndReactionsReachTheOthers() {
        dan.page.locator("#hand").click();
        for (Participant p : List.of(ann, bob, cat)) {
            assertThat(p.tile(danId).locator("[data-indicator=hand]")).isVisible();
        }
        bob.page.locator("#react").click();
        bob.page.locator("#reactions-menu button[data-reaction=clap]").click();
        for (Participant p : List.of(ann, cat, dan)) {
            assertThat(p.tile(bobId).locator(".reaction[data-reaction=clap]")).isVisible();
        }
        dan.page.locator("#hand").click();
        assertThat(ann.tile(danId).locator("[data-indicator=hand]")).isHidden();
    }

    @Test
    @Order(6)
    void peoplePanelShowsEveryoneAndAdminControls() {
        ann.page.locator("#people").click();
        assertThat(ann.page.locator("#people-list li")).hasCount(4);
        assertThat(ann.page.locator("#people-list li[data-member='" + bobId + "'] button[data-action=remove]")).isVisible();
        Chromium.screenshot(ann.page, "people-panel");
        bob.page.locator("#people").click();
        assertThat(bob.page.locator("#people-list li")).hasCount(4);
        assertThat(bob.page.locator("#people-list button[data-action=remove]")).hasCount(0);
        bob.page.locator("#people").click();

        // an admin mute reaches Bob's own controls, and he cannot undo it
        ann.page.locator("#people-list li[data-member='" + bobId + "'] button[data-action=mute-audio]").click();
        assertThat(bob.page.locator("#mic")).hasAttribute("aria-pressed", "true");
        assertThat(cat.tile(bobId).locator("[data-indicator=mic-muted]")).isVisible();
        bob.page.locator("#mic").click();
        assertThat(bob.page.locator("#toast")).containsText("only an admin");
        ann.page.locator("#people-list li[data-member='" + bobId + "'] button[data-action=unmute-audio]").click();
        assertThat(bob.page.locator("#mic")).hasAttribute("aria-pressed", "false");
        assertThat(cat.tile(bobId).locator("[data-indicator=mic-muted]")).isHidden();
        ann.page.locator("#people").click();
    }

    @Test
    @Order(7)
    void aChatMessageReachesTheOthersAndIsThereAfterARejoin() {
        ann.page.locator("#chat").click();
        ann.page.locator("#chat-input").fill("Hello from Ann");
        ann.page.locator("#chat-input").press("Enter");
        assertThat(ann.page.locator("#chat-log li .text")).hasText("Hello from Ann");
        assertThat(bob.page.locator("#chat-badge")).hasText("1");
        bob.page.locator("#chat").click();
        assertThat(bob.page.locator("#chat-log li .text")).hasText("Hello from Ann");
        Chromium.screenshot(bob.page, "chat");
        bob.page.locator("#chat").click();

        dan.page.locator("#leave").click();
        assertThat(dan.page.locator("#ended-message")).hasText("You left the meeting.");
        assertThat(ann.tile(danId)).hasCount(0);
        dan.page.locator("#rejoin").click();
        dan.join("Dan again");
        danId = dan.callId();
        dan.page.locator("#chat").click();
        assertThat(dan.page.locator("#chat-log li .text")).hasText("Hello from Ann");
        List.of(ann.watchVideoOf(danId), dan.watchVideoOf(annId, bobId, catId)).forEach(Runnable::run);
    }

    @Test
    @Order(8)
    void aParticipantWhoseSocketDropsComesBackIntoItsTile() {
        bob.page.evaluate("() => { window.reconnects = 0; atriumApp.client.addEventListener('reconnected', () => reconnects++); }");
        bob.page.evaluate("atriumApp.client.socket.close()");
        Chromium.waitFor(bob.page, "window.reconnects === 1", MEDIA);
        assertThat(bob.callId()).isEqualTo(bobId);
        assertThat(bob.page.locator("#banner")).isHidden();
        // Bob's tile on every page again, decoded, and Bob sees them
        List.of(ann.watchVideoOf(bobId), cat.watchVideoOf(bobId), dan.watchVideoOf(bobId), bob.watchVideoOf(annId, catId, danId))
                .forEach(Runnable::run);
        // the new socket carries notifications again
        cat.page.locator("#hand").click();
        assertThat(bob.tile(catId).locator("[data-indicator=hand]")).isVisible();
    }

    @Test
    @Order(9)
    void aHostRecordsAndSomeoneWhoJoinsLaterSeesIt() {
        ann.page.locator("#record").click();
        assertThat(ann.page.locator("#record")).hasAttribute("aria-pressed", "true");
        assertThat(bob.page.locator("#recording")).isVisible();
        assertThat(bob.page.locator("#record")).isHidden(); // only hosts have the button
        String id = (String) ann.page.evaluate("atriumApp.client.recordingId");
        assertThat(server.get("/v1/rooms/" + room + "/recordings/" + id).json().at("/recording/state").asText())
                .isEqualTo("recording");

        // someone who joins while it runs is told at once, not at the next start or stop
        dan.close();
        people.remove(dan);
        Participant eve = open("eve", false).join("Eve");
        assertThat(eve.page.locator("#recording")).isVisible();
        assertThat((String) eve.page.evaluate("atriumApp.client.recordingId")).isEqualTo(id);

        ann.page.locator("#record").click();
        assertThat(eve.page.locator("#recording")).isHidden();
        assertThat(bob.page.locator("#recording")).isHidden();
        assertThat(ann.page.locator("#record")).hasAttribute("aria-pressed", "false");
        assertThat(server.get("/v1/rooms/" + room + "/recordings/" + id).json().at("/recording/state").asText())
                .isNotEqualTo("recording");
    }
}
