package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/** The waiting room, room passwords and admin removal in the web app, with real Chromium pages. */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WaitingRoomBrowserTest {

    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String room(String json) {
        return server.post("/v1/rooms", "{\"room\":" + json + "}").json().at("/room/uuid").asText();
    }

    @Test
    void hostAdmitsOneGuestRejectsAnotherAndRemovesTheFirst() {
        String room = room("{\"name\":\"interviews\",\"force_waiting_room\":true}");
        String hostToken = server.token(room, "\"name\": \"Host\", \"admin\": true");
        try (Participant host = Participant.open(server, "host", "/room.html?room=" + room + "#token=" + hostToken, false);
             Participant guest = Participant.open(server, "guest", "/room.html?room=" + room, false);
             Participant other = Participant.open(server, "other", "/room.html?room=" + room, false)) {
            assertThat(host.page.locator("#name-label")).isHidden(); // the token names the host: no second name field
            host.join("not typed");
            assertThat(host.page.locator(".tile.local .name")).hasText("Host (you)");
            assertThat(host.page).hasURL(server.uri("/room.html?room=" + room).toString()); // token out of the address bar

            guest.submitPrejoin("Gwen");
            assertThat(guest.page.locator("#waiting")).isVisible();
            assertThat(host.page.locator("#people-badge")).hasText("1");
            guest.page.locator("#still-waiting").click();
            assertThat(guest.page.locator("#waiting-status")).containsText("We reminded the host");
            assertThat(host.page.locator("#waiting-text")).hasText("Gwen is waiting to join.");

            host.page.locator("#people").click();
            assertThat(host.page.locator("#waiting-list li")).hasText(java.util.regex.Pattern.compile("Gwen.*"));
            Chromium.screenshot(host.page, "people-panel-waiting");
            host.page.locator("#waiting-list button[data-action=admit]").click();
            guest.inMeeting();
            String guestId = guest.callId();
            host.seesVideoOf(guestId);
            assertThat(host.page.locator("#waiting-list li")).hasCount(0);

            other.submitPrejoin("Otto");
            assertThat(other.page.locator("#waiting")).isVisible();
            other.page.locator("#still-waiting").click();
            // Reject right in the "is waiting" toast
            assertThat(host.page.locator("#waiting-text")).hasText("Otto is waiting to join.");
            host.page.locator("#toast-reject").click();
            assertThat(other.page.locator("#ended-message")).hasText("The host did not let you in.");

            host.page.locator("#people-list li[data-member='" + guestId + "'] button[data-action=remove]").click();
            assertThat(guest.page.locator("#ended-message")).hasText("An admin removed you from the meeting.");
            assertThat(host.tile(guestId)).hasCount(0);
        }
    }

    @Test
    void aRoomPasswordIsAskedForAndAWrongOneIsSaid() {
        String room = room("{\"name\":\"locked\",\"password\":\"sesame-42\",\"force_password\":true,\"open\":true}");
        try (Participant p = Participant.open(server, "pw", "/room.html?room=" + room, false)) {
            p.submitPrejoin("Pat");
            assertThat(p.page.locator("#prejoin-error")).containsText("This room needs a password");
            assertThat(p.page.locator("#prejoin-form [name=room_password]")).isFocused();
            p.page.locator("#prejoin-form [name=room_password]").fill("wrong");
            p.page.locator("#join-button").click();
            assertThat(p.page.locator("#prejoin-error")).containsText("That room password is not right");
            p.page.locator("#prejoin-form [name=room_password]").fill("sesame-42");
            p.page.locator("#join-button").click();
            p.inMeeting();
        }
    }

    @Test
    void anUnknownRoomAndABadLinkAreSaidPlainly() {
        try (Participant p = Participant.open(server, "nowhere", "/room.html?room=00000000-0000-4000-8000-000000000000", false)) {
            // said before the device preview asks for anything
            assertThat(p.page.locator("#ended-message")).containsText("This meeting does not exist or has ended");
            assertThat(p.page.locator("#prejoin")).isHidden();
        }
        try (Participant p = Participant.open(server, "bad", "/room.html", false)) {
            assertThat(p.page.locator("#ended-message")).containsText("This meeting link is incomplete");
        }
    }
}
