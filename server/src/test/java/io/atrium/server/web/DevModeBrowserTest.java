package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.testing.ChildServer;
import io.atrium.server.testing.Chromium;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code java -jar atrium.jar --dev} as a new user meets it (a separate JVM, as {@link ChildServer}
 * starts it): every page works with the values printed at start and nothing else.
 */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DevModeBrowserTest {

    private ChildServer server;

    @BeforeAll
    void start() throws Exception {
        server = ChildServer.start(Files.createTempDirectory("atrium-dev-mode-"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** The value printed at start for {@code what}, e.g. "/live/ with passcode 'x'" → x. */
    private String printed(String regex) {
        Pattern p = Pattern.compile(regex);
        for (String line : server.output()) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("not printed at start (" + regex + "): " + String.join("\n", server.output()));
    }

    /** A page of the dev server with the small test camera (see {@link Participant}). */
    private Page page(String label) {
        Page page = Chromium.newPage(label);
        page.addInitScript("localStorage.setItem('atrium.video', '{\"width\":640,\"height\":360}');");
        return page;
    }

    /** Waits until {@code page} decodes video from every other member. */
    private static void decodesEveryone(Page page) {
        Chromium.waitFor(page, "atriumApp.client.members.size > 0 && (async () => { for (const id of atriumApp.client.members.keys()) {"
                + " const s = await atriumApp.client.memberStats(id); if (!(s.video.framesDecoded > 10)) return JSON.stringify(s); }"
                + " return true; })()", Participant.MEDIA);
    }

    private static void joinFromPrejoin(Page page, String name) {
        assertThat(page.locator("#prejoin")).isVisible();
        page.locator("#prejoin-form [name=name]").fill(name);
        page.locator("#join-button").click();
        Chromium.waitFor(page, "atriumApp.client?.state === 'joined' || atriumApp.client?.state", Participant.MEDIA);
    }

    /**
     * From the home page of a fresh --dev server to a two-person call: the host clicks "New meeting",
     * types a name and joins; "Invite" gives a readable link (no host rights in it); the guest pastes it
     * into "Join a meeting", types a name and joins. The host keeps host rights over a reload and ends
     * the meeting for everyone.
     */
    /**
     * A first start says what runs where and nothing alarming: no warning or error among the lines printed until it
     * listens (JAIN-SIP used to warn at every start about TLS key and trust stores that Atrium never uses). Netty's
     * note that it found no network card for its channel ids is left out: the tests run in a namespace with loopback
     * only (scripts/isolated), which a server never is.
     */
    @Test
    void aFreshStartPrintsNoWarningOrError() {
        List<String> alarming = server.output().stream().filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .filter(line -> !line.contains("MacAddressUtil")).toList();
        assertThat(alarming).as(String.join("\n", server.output())).isEmpty();
        assertThat(server.output()).anyMatch(line -> line.contains("SIP listening on udp and tcp"));
    }

    @Test
    void oneClickFromHomeToATwoPersonCall() {
        try (Page host = page("host"); Page guest = page("guest")) {
            host.navigate(server.uri("/").toString());
            assertThat(host.locator("#status")).hasText("Atrium is running (dev mode).");
            host.locator("#new-meeting-button").click();                          // click 1
            host.waitForURL(Pattern.compile(".*/r/meeting[-0-9]*$"));
            joinFromPrejoin(host, "Hana");                                          // click 2 (after typing a name)
            assertThat(host.locator("#room-name")).hasText("Meeting");
            assertThat(host.evaluate("atriumApp.client.isAdmin")).isEqualTo(true);
            host.locator("#invite").click();                                        // click 3
            assertThat(host.locator("#toast")).containsText("/r/meeting");
            String toast = host.locator("#toast").textContent();
            String link = toast.substring(toast.indexOf("http"));
            assertThat(link).matches("http://[^/]+/r/meeting[-0-9]*").doesNotContain("host").doesNotContain("token");

            guest.navigate(server.uri("/").toString());
            guest.locator("#join-link").fill(link);
            guest.locator("#join button[type=submit]").click();                    // guest click 1
            guest.waitForURL(link);
            joinFromPrejoin(guest, "Gus");                                          // guest click 2
            assertThat(guest.evaluate("atriumApp.client.isAdmin")).isEqualTo(false);
            decodesEveryone(host);
            decodesEveryone(guest);
            Chromium.screenshot(host, "dev-two-person-call");

            // host rights are kept by the host's browser, not by one tab's state
            host.reload();
            assertThat(host.locator("#name-label")).isHidden();                     // the host token names her
            host.locator("#join-button").click();
            Chromium.waitFor(host, "atriumApp.client?.state === 'joined' || atriumApp.client?.state", Participant.MEDIA);
            assertThat(host.evaluate("atriumApp.client.isAdmin")).isEqualTo(true);
            assertThat(host.locator(".tile.local .name")).hasText("Hana (you)");

            host.locator("#leave").click();
            host.locator("#end-all").click();
            assertThat(guest.locator("#ended-message")).hasText("The host ended the meeting for everyone.");
            assertThat(host.locator("#ended-message")).hasText("You ended the meeting for everyone.");
        }
    }

    @Test
    void joiningByNameOpensTheRoomOrSaysItDoesNotExist() {
        try (Page p = page("by-name")) {
            p.navigate(server.uri("/").toString());
            p.locator("#join-link").fill("No such meeting");
            p.locator("#join button[type=submit]").click();
            p.waitForURL(Pattern.compile(".*/r/no-such-meeting$"));
            assertThat(p.locator("#ended-message")).hasText("This meeting does not exist or has ended. Check the link, or ask for a new one.");
            assertThat(p.locator("#prejoin")).isHidden();
            Chromium.waitFor(p, "atriumApp.preview === null && atriumApp.devicesReady === null", Participant.MEDIA); // no device asked for
        }
    }

    @Test
    void liveEventsWorkWithThePrintedPasscode() {
        String passcode = printed("/live/ with passcode '([^']+)'");
        try (Page host = Chromium.newPage("live-host")) {
            host.navigate(server.uri("/live/?stream=launch").toString());
            host.locator("#start-form [name=passcode]").fill(passcode);
            host.locator("#start-form [name=identity]").fill("Hana");
            host.locator("#create").click();
            assertThat(host.locator("#event")).isVisible();
            assertThat(host.locator("#role")).hasText("You are the host.");
        }
    }

    @Test
    void theMeetingsAdminWorksWithThePrintedPasscode() {
        String passcode = printed("/meetings/admin.html with passcode '([^']+)'");
        try (Page admin = Chromium.newPage("meetings-admin")) {
            admin.navigate(server.uri("/meetings/admin.html").toString());
            admin.locator("#auth-form [name=passcode]").fill(passcode);
            admin.locator("#create").click();
            assertThat(admin.locator("#error")).isEmpty();
            assertThat(admin.locator("#meeting-id")).hasText(Pattern.compile("[0-9]+"));
        }
    }
}
