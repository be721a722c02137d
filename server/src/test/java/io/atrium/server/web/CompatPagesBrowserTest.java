package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.Compat;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The contract pages in real Chromium: the live event (/live/, contract 000) from raised hand to the
 * stage and back to the audience, and the waiting-room meeting (/meetings/, contract 001) where the
 * guest enters by itself when the admin opens the room. At most three pages at once.
 */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompatPagesBrowserTest {

    static final String LIVE_PASSCODE = "live-passcode-1234";
    static final String ADMIN_PASSCODE = "meetings-admin-passcode";
    static final Duration MEDIA = Participant.MEDIA;

    TestServer server;

    @BeforeAll
    void start() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-compat-pages-"));
        server = TestServer.start(c.withCompat(new Compat(new Compat.Live(LIVE_PASSCODE, "", 300),
                new Compat.Meetings(6, ADMIN_PASSCODE))));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    Page livePage(String label, String identity, String button) {
        Page p = Chromium.newPage(label);
        p.navigate(server.uri("/live/?stream=launch").toString());
        p.locator("#start-form [name=passcode]").fill(LIVE_PASSCODE);
        p.locator("#start-form [name=identity]").fill(identity);
        p.locator(button).click();
        assertThat(p.locator("#event")).isVisible();
        return p;
    }

    /** {@code page} decodes more than 10 frames of {@code identity}'s camera. */
    static void decodes(Page page, String global, String identity) {
        Chromium.waitFor(page, "(await window." + global + ".stats())['" + identity + "'] > 10 || JSON.stringify(await window."
                + global + ".stats())", MEDIA);
    }

    /** One's own video is shown as in a mirror: the element is flipped horizontally. */
    static void assertMirrored(Page page, String video) {
        assertThat(page.locator(video)).isVisible();
        org.assertj.core.api.Assertions.assertThat(page.evaluate("s => getComputedStyle(document.querySelector(s)).transform", video))
                .isEqualTo("matrix(-1, 0, 0, 1, 0, 0)");
    }

    @Test
    void aViewerRaisesAHandGoesOnStageIsRemovedAndIsBackInTheAudience() {
        try (Page host = livePage("host", "Hana", "#create");
             Page vic = livePage("vic", "Vic", "#join-viewer");
             Page wes = livePage("wes", "Wes", "#join-viewer")) {
            assertThat(host.locator("#role")).hasText("You are the host.");
            assertThat(vic.locator("#role")).hasText("You are in the audience.");
            assertThat(host.locator("#viewers li[data-member=Vic]")).isVisible();
            assertThat(host.locator("#viewer-count")).hasText("2");
            decodes(vic, "live", "Hana");

            // the room page's controls: the host's own camera mirrored, her mute reaches the audience, chat for all
            assertMirrored(host, "#tile-Hana video");
            host.locator("[data-control=mic]").click();
            assertThat(host.locator("[data-control=mic]")).hasAttribute("aria-pressed", "true");
            Chromium.waitFor(vic, "live.client.members.get('Hana')?.audioMuted === true");
            assertThat(vic.locator("[data-control=mic]")).isHidden(); // the audience does not publish
            wes.locator("[data-control=chat]").click();
            wes.locator("#chat-input").fill("Great launch!");
            wes.locator("#chat-input").press("Enter");
            assertThat(host.locator("[data-control=chat] .badge")).hasText("1");
            host.locator("[data-control=chat]").click();
            assertThat(host.locator(".chat-log li").last()).containsText("Great launch!");
            host.locator("[data-control=mic]").click();
            Chromium.waitFor(vic, "live.client.members.get('Hana')?.audioMuted === false");

            vic.locator("#hand").click();
            assertThat(vic.locator("#hand")).hasText("Lower hand");
            assertThat(host.locator("#hands li[data-member=Vic]")).isVisible();
            host.locator("#hands li[data-member=Vic] button").click();

            // invited: Vic goes on stage by itself, and the others decode Vic's camera
            assertThat(vic.locator("#role")).hasText("You are on stage.");
            assertThat(host.locator("#speakers li[data-member=Vic]")).isVisible();
            assertThat(host.locator("#hands li")).hasCount(0);
            assertThat(host.locator("#viewers li[data-member=Vic]")).hasCount(0);
            decodes(host, "live", "Vic");
            decodes(wes, "live", "Vic");
            decodes(vic, "live", "Hana");
            Chromium.screenshot(host, "live-host-with-speaker");

            // the host removes Vic: disconnected, back in the audience by itself
            host.locator("#speakers li[data-member=Vic] button").click();
            assertThat(vic.locator("#notice")).containsText("back in the audience");
            assertThat(vic.locator("#role")).hasText("You are in the audience.");
            assertThat(host.locator("#speakers li[data-member=Vic]")).hasCount(0);
            assertThat(host.locator("#viewers li[data-member=Vic]")).isVisible();
            assertThat(wes.locator(".tile[data-member=Vic]")).hasCount(0);
            decodes(vic, "live", "Hana");

            // the host ends the event: everyone is told
            host.locator("#end").click();
            assertThat(vic.locator("#ended")).isVisible();
            assertThat(vic.locator("#ended-message")).hasText("The host ended the event.");
            assertThat(wes.locator("#ended-message")).hasText("The host ended the event.");
        }
    }

    @Test
    void aWaitingGuestEntersByItselfWhenTheAdminOpensTheMeeting() {
        String meeting = server.send("POST", "/admin/create", "{}", ADMIN_PASSCODE).json().get("meeting_id").asText();
        try (Page guest = Chromium.newPage("guest"); Page admin = Chromium.newPage("admin")) {
            guest.navigate(server.uri("/meetings/?meeting=" + meeting).toString());
            guest.locator("#enter-form [name=name]").fill("Gwen");
            guest.locator("#enter-button").click();
            assertThat(guest.locator("#waiting")).isVisible();

            admin.navigate(server.uri("/meetings/admin.html").toString());
            admin.locator("#auth-form [name=passcode]").fill(ADMIN_PASSCODE);
            admin.locator("#join-form [name=meeting]").fill(meeting);
            admin.locator("#join").click();
            assertThat(admin.locator("#call")).isVisible();

            assertThat(guest.locator("#call")).isVisible();
            assertThat(guest.locator(".tile .name", new Page.LocatorOptions().setHasText("Host"))).isVisible();
            String guestId = (String) guest.evaluate("window.meeting.client.callId");
            String adminId = (String) admin.evaluate("window.meeting.client.callId");
            decodes(guest, "meeting", adminId);
            decodes(admin, "meeting", guestId);

            // the room page's controls here too: own camera mirrored, camera off seen by the other, chat
            assertMirrored(guest, "#tile-" + guestId + " video");
            guest.locator("[data-control=cam]").click();
            assertThat(guest.locator("[data-control=cam]")).hasAttribute("aria-pressed", "true");
            Chromium.waitFor(admin, "meeting.client.members.get('" + guestId + "')?.videoMuted === true");
            admin.locator("[data-control=chat]").click();
            admin.locator("#chat-input").fill("Welcome, Gwen");
            admin.locator("#chat-input").press("Enter");
            assertThat(guest.locator("[data-control=chat] .badge")).hasText("1");
            Chromium.screenshot(guest, "meetings-guest-in-call");
        }
    }
}
