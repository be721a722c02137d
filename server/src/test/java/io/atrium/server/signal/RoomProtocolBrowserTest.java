package io.atrium.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Three Chromium pages speak the room protocol from a small test script (no SDK): each decodes the
 * other two's video and audio; an admin's remove_member disconnects one and the others are told.
 */
@ResourceLock(Chromium.LOCK)
class RoomProtocolBrowserTest {

    @Test
    void threeMembersSeeAndHearEachOtherAndRemovalIsAnnounced() {
        try (TestServer server = TestServer.start(Db.H2)) {
            String ada = server.createUser("ada");
            String room = server.post("/v1/rooms", """
                    {"room": {"name": "three", "open": true, "members": [{"user_id": "%s", "admin": true}]}}""".formatted(ada))
                    .json().at("/room/uuid").asText();
            try (Page admin = page(server, "ada"); Page p2 = page(server, "two"); Page p3 = page(server, "three")) {
                join(admin, room, "ada-call", Map.of("username", "ada", "password", "password-ada"));
                join(p2, room, "two-call", Map.of("display_name", "Two"));
                join(p3, room, "three-call", Map.of("display_name", "Three"));
                for (Page p : List.of(admin, p2, p3)) {
                    try {
                        Chromium.waitFor(p, "atriumTest.inboundStreams(room.sub).then(s => (s.filter(x => x.kind === 'video'"
                                + " && x.framesDecoded > 5).length >= 2 && s.filter(x => x.kind === 'audio' && x.packetsReceived > 10)"
                                + ".length >= 2) || s)");
                    } catch (AssertionError e) { // say what the server forwarded to whom, and each downlink's estimate
                        throw new AssertionError(e.getMessage() + "\nsubscribers on the server: "
                                + server.get("/v1/rooms/" + room + "/media").json().at("/media/subscribers"), e);
                    }
                }
                Chromium.screenshot(p2, "room-protocol-three");
                admin.evaluate("room.rpc('remove_member', {member: 'three-call'})");
                Chromium.waitFor(p2, "room.notes.some(n => n.method === 'member_leave_room' && n.params.member === 'three-call'"
                        + " && n.params.by_admin === true)");
                Chromium.waitFor(p3, "room.closed && room.notes.some(n => n.method === 'member_leave_room')");
                Object left = admin.evaluate("room.rpc('get_room_members', {}).then(ms => ms.map(m => m.id).sort())");
                assertThat(left).isEqualTo(List.of("ada-call", "two-call"));
            }
        }
    }

    static Page page(TestServer server, String label) {
        Page page = Chromium.newPage(label);
        Chromium.installHelpers(page);
        page.navigate(server.uri("/play.html").toString());
        return page;
    }

    static void join(Page page, String room, String callId, Map<String, String> credentials) {
        page.evaluate("([room, callId, creds]) => atriumTest.joinRoom(room, callId, creds).then(s => { window.room = s; })",
                List.of(room, callId, credentials));
    }
}
