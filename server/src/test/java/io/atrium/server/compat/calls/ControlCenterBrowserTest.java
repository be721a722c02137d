package io.atrium.server.compat.calls;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.web.Participant;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The control center end to end in three Chromium pages: the operator creates a session on
 * /control/, hands out two participant links, the two join the meeting app through them, the
 * operator sees them live, mutes one — whose audio then stops reaching the other's page — lets the
 * microphone on again (audio flows again), and ends the session for everyone.
 */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlCenterBrowserTest {

    private static final Duration MEDIA = Participant.MEDIA;

    private TestServer server;
    private final List<Page> pages = new ArrayList<>();

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
    }

    @AfterAll
    void stop() {
        pages.forEach(Page::close);
        server.close();
    }

    private Page page(String label, String url) {
        Page page = Chromium.newPage(label);
        page.addInitScript("localStorage.setItem('atrium.video', '{\"width\":320,\"height\":180}');");
        page.navigate(url);
        pages.add(page);
        return page;
    }

    /** Creates a participant link on the control page and returns it. */
    private String link(Page control, String name) {
        control.locator("#invite [name=name]").fill(name);
        control.locator("#invite button[type=submit]").click();
        Locator input = control.locator("#links li").first().locator("input");
        assertThat(control.locator("#links li").first()).containsText(name);
        return input.inputValue();
    }

    /** Opens a join link, passes the prejoin screen and waits until in the meeting; returns the call id. */
    private String joinThrough(Page page, String name) {
        Chromium.waitFor(page, "atriumApp.videoTrack !== null");
        assertThat(page.locator("#name-label")).isHidden(); // the link's token names the participant
        assertThat(page.locator("#host-note")).containsText("You join as " + name);
        page.locator("#join-button").click();
        assertThat(page.locator("#meeting")).isVisible();
        Chromium.waitFor(page, "atriumApp.client.state === 'joined'");
        return (String) page.evaluate("atriumApp.client.callId");
    }

    private static long audioPackets(Page page, String from) {
        Object n = page.evaluate("id => atriumApp.client.memberStats(id).then(s => s.audio.packetsReceived || 0)", from);
        return ((Number) n).longValue();
    }

    private static void audioGrows(Page page, String from) {
        long start = audioPackets(page, from);
        Chromium.waitFor(page, "atriumApp.client.memberStats('" + from + "').then(s => s.audio.packetsReceived > " + (start + 20)
                + " || s.audio)", MEDIA);
    }

    @Test
    void theOperatorMutesAParticipantWhoseAudioStopsThenFlowsAgainAndEndsTheCall() {
        Page control = page("control", server.uri("/control/").toString());
        control.locator("#create [name=name]").fill("Town hall");
        control.locator("#create button[type=submit]").click();
        assertThat(control.locator("#session")).isVisible();
        assertThat(control.locator("#session-name")).containsText("Town hall");
        String session = (String) control.evaluate("controlApp.sessionId");
        assertThat(control.locator("#live-status")).hasText("live");

        String annLink = link(control, "Ann");
        String bobLink = link(control, "Bob");
        assertThat(URI.create(annLink).getPath()).isEqualTo("/room.html");
        assertThat(annLink).contains("room=" + session).contains("#token=");

        Page ann = page("ann", annLink);
        String annId = joinThrough(ann, "Ann");
        Page bob = page("bob", bobLink);
        String bobId = joinThrough(bob, "Bob");

        // the operator sees both, live, without being one of them
        assertThat(control.locator("#participants li[data-participant]")).hasCount(2);
        assertThat(control.locator("#participants li[data-participant='" + annId + "'] .name")).hasText("Ann");
        assertThat(bob.locator("#grid .tile")).hasCount(2);
        Chromium.waitFor(control, "controlApp.events.some(e => e.method === 'participant_joined' && e.params.participant_id === '"
                + bobId + "')");
        audioGrows(bob, annId);
        Chromium.screenshot(control, "control-center-live");

        // mute: Ann's audio stops reaching Bob
        control.locator("#participants li[data-participant='" + annId + "'] button[data-action=mute]").click();
        assertThat(control.locator("#participants li[data-participant='" + annId + "']")).hasAttribute("data-muted", "true");
        assertThat(ann.locator("#mic")).hasAttribute("aria-pressed", "true");
        assertThat(bob.locator("#grid .tile[data-member='" + annId + "'] [data-indicator=mic-muted]")).isVisible();
        Chromium.waitFor(control, "controlApp.events.some(e => e.method === 'participant_muted' && e.params.by === 'remote')");
        // what was in flight drains, then no packet from Ann reaches Bob for 2.5 s
        Chromium.waitForSteady(bob, "audio packets from Ann while the operator muted her", () -> audioPackets(bob, annId),
                Duration.ofMillis(2500), MEDIA);
        Chromium.screenshot(control, "control-center-muted");

        // unmute: it flows again
        control.locator("#participants li[data-participant='" + annId + "'] button[data-action=unmute]").click();
        assertThat(control.locator("#participants li[data-participant='" + annId + "']")).hasAttribute("data-muted", "false");
        assertThat(ann.locator("#mic")).hasAttribute("aria-pressed", "false");
        audioGrows(bob, annId);

        // end: everyone is out, and the page says why
        control.onDialog(d -> d.accept());
        control.locator("#end").click();
        assertThat(control.locator("#session-status")).hasText("ended");
        for (Page p : List.of(ann, bob)) {
            assertThat(p.locator("#ended")).isVisible();
            assertThat(p.locator("#ended-message")).hasText("The meeting has ended.");
        }
        assertThat(control.locator("#participants li[data-participant]")).hasCount(0);
        assertThat(server.send("GET", "/api/video-call/session/" + session, null, null).json().get("status").asText())
                .isEqualTo("ended");
    }
}
