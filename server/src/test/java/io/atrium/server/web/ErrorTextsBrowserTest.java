package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.Compat;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Error texts a person understands (web/static/messages.js): sizes as "100 MB", the contracts' literal
 * error strings and codes as sentences, the browser's DOMException names as what happened; as a table
 * in a real page, and on the live, meetings and room pages as people meet them.
 */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorTextsBrowserTest {

    private TestServer server;

    @BeforeAll
    void start() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-error-texts-"));
        server = TestServer.start(c.withCompat(new Compat(new Compat.Live("right-passcode", "", 300),
                new Compat.Meetings(6, "admin-passcode"))));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void messagesAreSentencesWithReadableSizes() {
        // [call in messages.js, expected text]
        List<List<String>> table = List.of(
                List.of("formatBytes(104857600)", "100 MB"),
                List.of("formatBytes(1536)", "1.5 KB"),
                List.of("formatBytes(1)", "1 byte"),
                List.of("formatBytes(500)", "500 bytes"),
                List.of("formatBytes(5 * 1024 ** 3)", "5 GB"),
                List.of("explain('the file is larger than the limit of 104857600 bytes', 'FILE_TOO_LARGE')",
                        "The file is too large: the limit is 100 MB."),
                List.of("explain(\"the session's storage quota of 1073741824 bytes is used up\", 'QUOTA_EXCEEDED')",
                        "There is no room left for this file (the storage limit is 1 GB): delete shared files first."),
                List.of("explain('Session not found', 'SESSION_NOT_FOUND')", "This session does not exist or has ended."),
                List.of("explain('passcode incorrect')", "That passcode is not right. Check it with the event's organiser."),
                List.of("explain('missing stream_name')", "Fill in the stream name."),
                List.of("explain(\"Error: couldn't find your meeting room. Please go to admin and create it first.\")",
                        "This meeting has not been opened yet. Ask the host to create it, or check the meeting id."),
                List.of("explain('Error: Missing meeting_id')", "Fill in the meeting id."),
                List.of("explain('upload of 2097152 bytes refused')", "upload of 2 MB refused"),
                List.of("deviceProblem('camera', new DOMException('Permission denied', 'NotAllowedError'))", "Camera access is blocked."),
                List.of("deviceProblem('microphone', new DOMException('Requested device not found', 'NotFoundError'))",
                        "No microphone was found."),
                List.of("deviceProblem('screen', new DOMException('Permission denied', 'NotAllowedError'))",
                        "Screen sharing was cancelled or is blocked."),
                List.of("endedText('room-ended', 'host')", "The host ended the meeting for everyone."),
                List.of("endedText('room-ended', 'you')", "You ended the meeting for everyone."),
                List.of("endedText('room-ended', null)", "The meeting has ended."),
                List.of("endedText('removed')", "An admin removed you from the meeting."),
                List.of("String(endedText('something-new'))", "null"),
                List.of("rateLimitedText('too many failed passwords, retry in 42 s')",
                        "Too many wrong passwords were tried. Wait 42 seconds, then try again."),
                List.of("rateLimitedText('the waiting room is full')", "The waiting room is full. Try again later."),
                List.of("rateLimitedText('too many requests')",
                        "The server is limiting requests from this network. Wait a minute, then try again."));
        try (Page page = Chromium.newPage("messages")) {
            page.navigate(server.uri("/").toString());
            for (List<String> row : table) {
                Object text = page.evaluate("async () => { const { formatBytes, explain, deviceProblem, endedText, rateLimitedText } = await import('/messages.js');"
                        + " return " + row.get(0) + "; }");
                assertThat(text).as(row.get(0)).isEqualTo(row.get(1));
            }
        }
    }

    @Test
    void pagesSayWhatWentWrongInWords() {
        try (Page live = Chromium.newPage("live")) {
            live.navigate(server.uri("/live/?stream=launch").toString());
            live.locator("#start-form [name=passcode]").fill("wrong-passcode");
            live.locator("#start-form [name=identity]").fill("Vic");
            live.locator("#join-viewer").click();
            assertThat(live.locator("#start-error")).hasText("That passcode is not right. Check it with the event's organiser.");
        }
        try (Page guest = Chromium.newPage("guest")) {
            guest.navigate(server.uri("/meetings/?meeting=999999").toString());
            guest.locator("#enter-form [name=name]").fill("Gwen");
            guest.locator("#enter-button").click();
            assertThat(guest.locator("#error")).hasText("This meeting has not been opened yet. Ask the host to create it, or check the meeting id.");
        }
        // the browser refuses camera and microphone: said in words, no DOMException name
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"blocked\",\"open\":true}}").json().at("/room/uuid").asText();
        try (Participant p = Participant.open(server, "blocked", "/room.html?room=" + room, false,
                "navigator.mediaDevices.getUserMedia = async () => { throw new DOMException('Permission denied', 'NotAllowedError'); };")) {
            assertThat(p.page.locator("#prejoin-error")).containsText("Microphone access is blocked. Camera access is blocked.");
            assertThat(p.page.locator("#prejoin-error")).not().containsText("NotAllowedError");
        }
    }
}
