package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.ManualClock;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.TcpGate;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * When Atrium answers the web app {@code 429} (the SDK's {@code rate-limited}), the page says the server is limiting
 * it, the SDK retries with backoff where it retries, and it gets in once the limit allows (real Chromium, real
 * Atrium, its own limiter: {@code rooms.failed_passwords_per_address}, docs/SECURITY.md finding 21).
 *
 * <p>Where a 429 can reach the browser: Atrium never refuses the {@code /v1/rtc} upgrade with an HTTP 429 (its
 * per-address refusal is the 1013 close of {@link RefusedSocketBrowserTest}), and a browser could not tell one from
 * an unreachable server anyway (a WebSocket refused in its handshake is a close 1006 without status). A 429 is a
 * JSON-RPC answer on an open socket. A meeting's reconnect meets none: its {@code join_room} with the token resumes
 * the kept seat and peers, which no limit counts (only a rejoin that makes new peers, after an ICE failure or after the
 * reconnect grace, could meet {@code rtc.max_pending_peers_per_address}). What a socket sends again
 * with a password, and so can be refused by the failed-password limit of its address, is a video registration's
 * {@code register_room_api} (Home's "Take calls here", which the SDK registers again on every new socket) and a join
 * that signs in. Here another client of
 * the same address (127.0.0.1) uses up that limit with one wrong password; Atrium's clock is the test's, so the
 * limit holds until the test moves it past the window, however slow the machine.
 */
@ResourceLock(Chromium.LOCK)
class RateLimitedSocketBrowserTest {

    /** The failed-password window: it ends only when the test moves {@link #clock} past it. */
    static final int WINDOW_SECONDS = 60;
    /** Records the SDK's {@code retrying} events of a page whose client is not reachable from the page's globals. */
    static final String RECORD_RETRIES = """
            window.retries = [];
            const dispatch = EventTarget.prototype.dispatchEvent;
            EventTarget.prototype.dispatchEvent = function (event) {
              if (event.type === 'retrying') retries.push(event.detail);
              return dispatch.call(this, event);
            };""";

    @RegisterExtension
    final Closer open = new Closer();

    private final ManualClock clock = new ManualClock(System.currentTimeMillis());
    private TestServer server;

    /** Atrium with SIP on (video registrations), one failed password per address, and users ann and bob. */
    private void start() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-rate-limited-"));
        AtriumConfig.Rooms oneGuess = new AtriumConfig.Rooms(null, null, null, null, null, 1, null, WINDOW_SECONDS, null, null, null,
                null, null);
        server = open.track(TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(), oneGuess)
                .withSip(new AtriumConfig.Sip(true, "127.0.0.1", Ports.free(), "", "atrium", 60, 3600, 100, 30, 0, 0,
                        List.of("MD5"), List.of())), clock));
        server.createUser("ann");
        server.createUser("bob");
    }

    /** Another client of the page's address guesses a wrong password: the address's one failure is used up. */
    private void someoneGuessesWrong(String room) {
        JsonNode answer = open.track(RpcClient.connect(server)).request("authenticate", Map.of("room", room,
                "call_id", UUID.randomUUID().toString(), "username", "ann", "password", "a guess"));
        assertThat(answer.at("/error/code").asInt()).as("the wrong guess: %s", answer).isEqualTo(401);
    }

    @Test
    void aRegistrationRefusedWith429SaysSoWhileItRetriesAndRegistersOnceTheLimitAllows() throws Exception {
        start();
        String room = server.createRoom("guessed");
        TcpGate gate = open.track(new TcpGate(server.server().httpPort())); // to cut bob's socket
        Participant bob = open.track(Participant.open(URI.create("http://127.0.0.1:" + gate.port() + "/"), "bob-calls", RECORD_RETRIES));
        bob.page.locator("#take-calls [name=username]").fill("bob");
        bob.page.locator("#take-calls [name=password]").fill("password-bob");
        bob.page.locator("#take-calls-button").click();
        String ready = "You take calls here as bob. Keep this tab open.";
        assertThat(bob.page.locator("#calls-status")).hasText(ready);

        someoneGuessesWrong(room);
        gate.cut(); // bob's socket drops: the SDK registers again on a new one, and Atrium answers 429
        assertThat(bob.page.locator("#calls-status")).hasText("The server is limiting requests from this network — retrying…");
        Chromium.waitFor(bob.page, "retries.length >= 3 || JSON.stringify(retries)");

        clock.advance((WINDOW_SECONDS + 1) * 1000L);
        assertThat(bob.page.locator("#calls-status")).hasText(ready);
        // every failed attempt was the 429, and the pause after it doubled from 1 s to 4 s, each shortened by at most a quarter
        List<?> retries = (List<?>) bob.page.evaluate("retries");
        for (int i = 0; i < retries.size(); i++) {
            Map<?, ?> retry = (Map<?, ?>) retries.get(i);
            assertThat(retry.get("reason")).as("%s", retries).isEqualTo("rate-limited");
            assertThat(((Number) retry.get("retryInMs")).intValue()).as("%s", retries)
                    .isBetween(RefusedSocketBrowserTest.REFUSED_PAUSE_MS << Math.min(i, 2), 1000 << Math.min(i, 2));
        }
    }

    @Test
    void aJoinRefusedWith429SaysWhyAndJoinsOnceTheLimitAllows() throws Exception {
        start();
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"signed-in\",\"open\":true}}").json().at("/room/uuid").asText();
        Participant ann = open.track(Participant.open(server, "ann", "/room.html?room=" + room, false));
        someoneGuessesWrong(room);
        ann.page.locator("#signin-summary").click();
        ann.page.locator("#prejoin-form [name=username]").fill("ann");
        ann.page.locator("#prejoin-form [name=password]").fill("password-ann");
        ann.submitPrejoin("Ann");
        assertThat(ann.page.locator("#prejoin-error")).hasText("Too many wrong passwords were tried. Wait " + WINDOW_SECONDS
                + " seconds, then try again.");
        assertThat(ann.page.locator("#prejoin")).isVisible();

        clock.advance((WINDOW_SECONDS + 1) * 1000L);
        ann.page.locator("#join-button").click();
        ann.inMeeting();
    }
}
