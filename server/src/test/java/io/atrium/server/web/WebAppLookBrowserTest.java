package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import com.microsoft.playwright.options.ColorScheme;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.Compat;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * One look on every page: screenshots of each page (the calls of /live/ and /meetings/ too) at 1280×720 and 390×844, light and dark (in
 * {@code server/target/screenshots/look-*.png}, for a person to look at), an accessibility check of
 * each with axe-core (WCAG 2 A and AA, contrast included), the phone layout of a meeting with the chat
 * open, and a meeting used with the keyboard alone.
 */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAppLookBrowserTest {

    record Size(int width, int height) {
    }

    static final List<Size> SIZES = List.of(new Size(1280, 720), new Size(390, 844));
    static final List<ColorScheme> SCHEMES = List.of(ColorScheme.LIGHT, ColorScheme.DARK);
    static final byte[] AXE = resource("/axe-core/axe.min.js");
    static final String LIVE_PASSCODE = "look-passcode";
    static final String ADMIN_PASSCODE = "look-admin-passcode";

    private TestServer server;
    private final List<String> violations = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-look-"));
        // SIP on, so the home page has its calls and the call page can be looked at (docs/WEB.md, "Calls")
        server = TestServer.start(c.withCompat(new Compat(new Compat.Live(LIVE_PASSCODE, "", 300), new Compat.Meetings(6, ADMIN_PASSCODE)))
                .withSip(new AtriumConfig.Sip(true, "127.0.0.1", io.atrium.server.testing.Ports.free(), null, null, null, null, null,
                        null, null, null, null, null)));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String room(String json) {
        return server.post("/v1/rooms", "{\"room\":" + json + "}").json().at("/room/uuid").asText();
    }

    private static byte[] resource(String name) {
        try (InputStream in = WebAppLookBrowserTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource missing: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every size and colour scheme of {@code page} as it is now: a screenshot each, and axe-core's
     * WCAG 2 A/AA violations (collected; the test fails on any at the end). axe is served from this
     * server's origin by a route, so the page's own Content Security Policy stays as it is.
     */
    private void look(Page page, String name) {
        page.route("**/__axe.min.js", r -> r.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                .setContentType("text/javascript").setBodyBytes(AXE)));
        if (!Boolean.TRUE.equals(page.evaluate("typeof axe !== 'undefined'"))) {
            page.addScriptTag(new Page.AddScriptTagOptions().setUrl("/__axe.min.js"));
        }
        for (Size size : SIZES) {
            page.setViewportSize(size.width(), size.height());
            for (ColorScheme scheme : SCHEMES) {
                page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(scheme));
                // the layout and colours settle in the next rendered frame: wait for two, however slow the machine
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))");
                String label = name + "-" + size.width() + "x" + size.height() + "-" + scheme.name().toLowerCase();
                Chromium.screenshot(page, "look-" + label);
                @SuppressWarnings("unchecked")
                List<String> found = (List<String>) page.evaluate("""
                        async () => (await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'], resultTypes: ['violations'] })).violations
                          .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')
                            + (n.any[0]?.message ? ' — ' + n.any[0].message : '')).join('; '))""");
                found.forEach(v -> violations.add(label + ": " + v));
            }
        }
        page.setViewportSize(1280, 720);
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
    }

    private void noViolations() {
        assertThat(violations).as("axe-core WCAG 2 A/AA violations").isEmpty();
    }

    @Test
    void everyPageLooksRightAndPassesAxe() {
        String open = room("{\"name\":\"Design review\",\"open\":true}");
        String guarded = room("{\"name\":\"Interviews\",\"force_waiting_room\":true}");
        try (Page p = Chromium.newPage("look")) {
            for (Map.Entry<String, String> e : Map.of("home", "/", "live", "/live/", "meetings", "/meetings/?meeting=123456",
                    "meetings-admin", "/meetings/admin.html", "control", "/control/", "play", "/play.html", "call", "/room.html?call=1002").entrySet()) {
                p.navigate(server.uri(e.getValue()).toString());
                p.waitForLoadState();
                look(p, e.getKey());
            }
            p.navigate(server.uri("/r/no-such-room").toString());
            assertThat(p.locator("#ended-message")).containsText("does not exist");
            look(p, "room-not-found");
        }
        try (Participant host = Participant.open(server, "look-host", "/room.html?room=" + open + "&host=1", true);
             Participant guest = Participant.open(server, "look-guest", "/r/design-review", false);
             Participant waiting = Participant.open(server, "look-waiting", "/room.html?room=" + guarded, false)) {
            Chromium.waitFor(host.page, "atriumApp.videoTrack !== null", Participant.MEDIA);
            host.page.locator("#prejoin-form [name=name]").fill("Hana");
            look(host.page, "room-prejoin");
            Participant.joinTogether(List.of(host, guest), "Hana", "Gus");
            Participant.seeEachOther(List.of(host, guest));
            look(host.page, "room-meeting");
            host.page.locator("#view").click();
            assertThat(host.page.locator("#main-area .tile")).hasCount(1);
            look(host.page, "room-meeting-speaker");
            host.page.locator("#view").click();
            host.page.locator("#settings").click();
            assertThat(host.page.locator("#settings-panel")).isVisible();
            look(host.page, "room-meeting-settings");
            host.page.locator("#chat").click();
            host.page.locator("#chat-input").fill("Welcome!");
            host.page.locator("#chat-input").press("Enter");
            assertThat(guest.page.locator("#chat-badge")).hasText("1");
            look(host.page, "room-meeting-chat");
            waiting.submitPrejoin("Wes");
            assertThat(waiting.page.locator("#waiting")).isVisible();
            look(waiting.page, "room-waiting");
            guest.page.locator("#leave").click();
            assertThat(guest.page.locator("#ended")).isVisible();
            look(guest.page, "room-ended");
        }
        noViolations();
    }

    /** The calls of {@code /live/} (a host and a viewer) and {@code /meetings/} (the admin and a guest), as their people see them. */
    @Test
    void liveAndMeetingsCallsLookRightAndPassAxe() {
        try (Page host = Chromium.newPage("look-live-host"); Page viewer = Chromium.newPage("look-live-viewer")) {
            for (Page p : List.of(host, viewer)) {
                p.navigate(server.uri("/live/?stream=look").toString());
                p.locator("#start-form [name=passcode]").fill(LIVE_PASSCODE);
                p.locator("#start-form [name=identity]").fill(p == host ? "Hana" : "Vic");
                p.locator(p == host ? "#create" : "#join-viewer").click();
                assertThat(p.locator("#event")).isVisible();
            }
            assertThat(host.locator("#viewers li[data-member=Vic]")).isVisible();
            CompatPagesBrowserTest.decodes(viewer, "live", "Hana");
            look(host, "live-call-host");
            look(viewer, "live-call-audience");
        }
        String meeting = server.send("POST", "/admin/create", "{}", ADMIN_PASSCODE).json().get("meeting_id").asText();
        try (Page admin = Chromium.newPage("look-meetings-admin"); Page guest = Chromium.newPage("look-meetings-guest")) {
            admin.navigate(server.uri("/meetings/admin.html").toString());
            admin.locator("#auth-form [name=passcode]").fill(ADMIN_PASSCODE);
            admin.locator("#join-form [name=meeting]").fill(meeting);
            admin.locator("#join").click();
            assertThat(admin.locator("#call")).isVisible();
            guest.navigate(server.uri("/meetings/?meeting=" + meeting).toString());
            guest.locator("#enter-form [name=name]").fill("Gwen");
            guest.locator("#enter-button").click();
            assertThat(guest.locator("#call")).isVisible();
            CompatPagesBrowserTest.decodes(guest, "meeting", (String) admin.evaluate("window.meeting.client.callId"));
            CompatPagesBrowserTest.decodes(admin, "meeting", (String) guest.evaluate("window.meeting.client.callId"));
            look(guest, "meetings-call");
            look(admin, "meetings-admin-call");
        }
        noViolations();
    }

    /** At 390×844 the chat panel takes the stage's place and never covers the toolbar; every control fits the width. */
    @Test
    void onAPhoneTheChatNeverCoversTheToolbar() {
        String room = room("{\"name\":\"Phone\",\"open\":true}");
        try (Participant p = Participant.open(server, "phone", "/room.html?room=" + room, false)) {
            p.page.setViewportSize(390, 844);
            p.join("Pia");
            p.page.locator("#chat").click();
            assertThat(p.page.locator("#chat-panel")).isVisible();
            BoundingBox toolbar = p.page.locator("#toolbar").boundingBox();
            BoundingBox panel = p.page.locator("#panel").boundingBox();
            assertThat(toolbar.y + toolbar.height).as("toolbar inside the screen").isLessThanOrEqualTo(844.5);
            assertThat(panel.y + panel.height).as("panel above the toolbar").isLessThanOrEqualTo(toolbar.y + 0.5);
            for (String id : List.of("mic", "cam", "screen", "hand", "react", "people", "chat", "settings", "leave")) {
                BoundingBox b = p.page.locator("#" + id).boundingBox();
                assertThat(b.x).as(id).isGreaterThanOrEqualTo(0);
                assertThat(b.x + b.width).as(id).isLessThanOrEqualTo(390.5);
                assertThat(b.width).as(id + " is big enough to tap").isGreaterThanOrEqualTo(36);
            }
            Chromium.screenshot(p.page, "phone-chat-open");
            p.page.locator("#panel-close").click();
            assertThat(p.page.locator("#stage")).isVisible();
        }
    }

    /** A meeting used with the keyboard alone: every step by Tab, Enter, Escape and the shortcuts. */
    @Test
    void aMeetingWorksWithTheKeyboardAlone() {
        String room = room("{\"name\":\"Keys\",\"open\":true}");
        try (Participant p = Participant.open(server, "keys", "/room.html?room=" + room, false)) {
            Page page = p.page;
            Chromium.waitFor(page, "atriumApp.videoTrack !== null", Participant.MEDIA);
            tabTo(page, "#prejoin-form [name=name]");
            page.keyboard().type("Kai");
            tabTo(page, "#join-button");
            assertThat(page.evaluate("getComputedStyle(document.activeElement).outlineStyle")).as("focus is visible").isNotEqualTo("none");
            page.keyboard().press("Enter");
            p.inMeeting();
            assertThat(page.locator("#mic")).isFocused();
            page.keyboard().press("Enter");
            assertThat(page.locator("#mic")).hasAttribute("aria-pressed", "true");
            page.keyboard().press("v");
            assertThat(page.locator("#cam")).hasAttribute("aria-pressed", "true");
            page.keyboard().press("m");
            assertThat(page.locator("#mic")).hasAttribute("aria-pressed", "false");
            tabTo(page, "#chat");
            page.keyboard().press("Enter");
            assertThat(page.locator("#chat-input")).isFocused();
            page.keyboard().type("typed, not a shortcut: m v h");
            page.keyboard().press("Enter");
            assertThat(page.locator("#chat-log li .text")).hasText("typed, not a shortcut: m v h");
            assertThat(page.locator("#mic")).hasAttribute("aria-pressed", "false");
            page.keyboard().press("Escape");
            assertThat(page.locator("#panel")).isHidden();
            assertThat(page.locator("#chat")).isFocused();
            tabTo(page, "#react");
            page.keyboard().press("Enter");
            assertThat(page.locator("#reactions-menu button").first()).isFocused();
            page.keyboard().press("Escape");
            assertThat(page.locator("#react")).isFocused();
            tabTo(page, "#leave");
            page.keyboard().press("Enter");
            assertThat(page.locator("#ended-message")).hasText("You left the meeting.");
        }
    }

    /** Presses Tab (at most 40 times) until {@code selector} has the focus. */
    private static void tabTo(Page page, String selector) {
        for (int i = 0; i < 40; i++) {
            if (Boolean.TRUE.equals(page.evaluate("s => document.activeElement === document.querySelector(s)", selector))) {
                return;
            }
            page.keyboard().press("Tab");
        }
        throw new AssertionError("Tab never reached " + selector + "; focus is on "
                + page.evaluate("document.activeElement?.outerHTML.slice(0, 120)"));
    }
}
