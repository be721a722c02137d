package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpServer;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * WHIP and WHEP from a page on another origin (issue 11, finding 11; RFC 9725 §4.9): a second tiny
 * HTTP server on another 127.0.0.1 port serves the page; Chromium publishes through WHIP, plays
 * through WHEP (decoded frames) and ends both sessions with DELETE, every call cross-origin.
 */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossOriginWhipBrowserTest {

    TestServer server;
    HttpServer site;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(Db.H2);
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", exchange -> {
            byte[] page = "<!doctype html><title>another origin</title><p>WHIP from elsewhere</p>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        site.start();
    }

    @AfterAll
    void stop() {
        site.stop(0);
        server.close();
    }

    String token(String room) {
        return server.post("/v1/tokens", "{\"room\":\"" + room + "\"}").json().get("token").asText();
    }

    @Test
    void aPageOnAnotherOriginPublishesPlaysAndEndsSessions() {
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"cors\"}}").json().at("/room/uuid").asText();
        String atrium = "http://127.0.0.1:" + server.server().httpPort();
        String elsewhere = "http://127.0.0.1:" + site.getAddress().getPort() + "/";
        try (Page page = Chromium.newPage("cross-origin")) {
            Chromium.installHelpers(page);
            page.navigate(elsewhere);
            assertThat(page.evaluate("location.origin")).isNotEqualTo(atrium);
            page.evaluate("([room, token, base]) => atriumTest.whip(room, token, {base}).then(pc => { window.pub = pc; })",
                    List.of(room, token(room), atrium));
            // WHEP plays what is being published: wait for the camera's and microphone's tracks (their first packets, after
            // ICE and DTLS, which take a while on a loaded machine), else the player would rightly get 404
            io.atrium.server.testing.Waits.waitUntil(() -> Interop.publisher(server, room).path("tracks").size() == 2,
                    "the published audio and video tracks at Atrium");
            String viewer = server.token(room, "\"identity\": \"viewer\"");
            page.evaluate("([room, token, base]) => atriumTest.whep(room, token, '', base).then(pc => { window.pc = pc; })",
                    List.of(room, viewer, atrium));
            Chromium.waitFor(page, "atriumTest.inboundStats(pc).then(s => (s.video.framesDecoded > 10"
                    + " && s.audio.packetsReceived > 0) || s)");
            assertThat((String) page.evaluate("pub.sessionUrl")).startsWith(atrium + "/whip/" + room + "/");
            assertThat((String) page.evaluate("pc.etag")).as("ETag readable across origins").isNotBlank();

            // DELETE needs a preflight (Authorization); the answer's status is readable by the page
            Object ended = page.evaluate("([url, token]) => fetch(url, {method: 'DELETE', headers: {Authorization: `Bearer ${token}`}})"
                    + ".then(r => r.status)", List.of((String) page.evaluate("pc.sessionUrl"), token(room)));
            assertThat(ended).as("another identity may not end the session, and the page can read the 403").isEqualTo(403);
            ended = page.evaluate("([url, token]) => fetch(url, {method: 'DELETE', headers: {Authorization: `Bearer ${token}`}})"
                    + ".then(r => r.status)", List.of((String) page.evaluate("pc.sessionUrl"), viewer));
            assertThat(ended).as("the viewer ends its WHEP session from the other origin").isEqualTo(200);
            io.atrium.server.testing.Waits.waitUntil(() -> server.server().media().peerCount() == 1, "the WHEP peer closed");
            Object error = page.evaluate("([base, room]) => fetch(`${base}/whip/${room}`, {method: 'POST', body: 'v=0',"
                    + " headers: {'Content-Type': 'application/sdp', Authorization: 'Bearer nope'}}).then(r => r.json())"
                    + ".then(j => j.error.code)", List.of(atrium, room));
            assertThat(error).as("errors carry CORS headers too").isEqualTo("unauthorized");
        }
    }
}
