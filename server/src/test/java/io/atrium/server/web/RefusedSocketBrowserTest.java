package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TcpGate;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * When Atrium refuses the web app's socket because its address has {@code rooms.sockets_per_address} open (close
 * 1013, docs/SECURITY.md finding 19), the meeting page says so while the SDK retries, and joins again once a place
 * is free; when the refusals outlast the SDK's reconnect window, the end says why (real Chromium, real Atrium).
 * Atrium here takes one socket per address; the page reaches it through a {@link TcpGate}, so that its reconnect
 * attempt waits while another client of the same address takes the place its dropped socket freed.
 */
@ResourceLock(Chromium.LOCK)
class RefusedSocketBrowserTest {

    /** The SDK's reconnect window in the test that gives up; its default is 60 s. */
    static final int WINDOW_MS = 8_000;
    /** The shortest pause after a refusal (rpc.js: 1 s, shortened by up to a quarter at random). */
    static final int REFUSED_PAUSE_MS = 750;

    @RegisterExtension
    final Closer open = new Closer();

    private TestServer server;
    private TcpGate gate;

    /** Ann's meeting page (prejoin) on a server that takes one socket per address, the page behind the gate. */
    private Participant annAtPrejoin() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-refused-"));
        server = open.track(TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(null, null, null, null, null, null, null, null, null, null, null, null, 1))));
        gate = open.track(new TcpGate(server.server().httpPort()));
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"one-socket\",\"open\":true}}").json().at("/room/uuid").asText();
        return open.track(Participant.open(URI.create("http://127.0.0.1:" + gate.port() + "/room.html?room=" + room), "ann"));
    }

    /** Ann in the meeting ({@link #annAtPrejoin}), her {@code retrying} events recorded. */
    private Participant annJoined() throws Exception {
        Participant ann = annAtPrejoin();
        ann.join("Ann");
        ann.page.evaluate("""
                window.retries = [];
                atriumApp.client.addEventListener('retrying', e => retries.push(e.detail));""");
        assertThat(open.track(RpcClient.connect(server)).served()).as("the page holds the address's one place").isFalse();
        return ann;
    }

    /**
     * Ann's socket drops; her first reconnect attempt waits at the gate until another client of her address has
     * taken the place her socket freed; then it goes on to be refused. Returns that client.
     */
    private RpcClient dropAndTakeHerPlace(Participant ann) throws Exception {
        gate.hold();
        ann.page.evaluate("atriumApp.client.socket.close()");
        gate.awaitWaiting(1, Chromium.PATIENCE);
        RpcClient taker = open.track(RpcClient.connectServed(server, Chromium.PATIENCE));
        gate.release();
        return taker;
    }

    @Test
    void aRefusedReconnectSaysWhyWhileItRetriesAndRejoinsOnceAPlaceIsFree() throws Exception {
        Participant ann = annJoined();
        RpcClient taker = dropAndTakeHerPlace(ann);
        assertThat(ann.page.locator("#banner")).hasText("Too many connections from this network — retrying…");
        Chromium.waitFor(ann.page, "retries.length >= 2 || JSON.stringify(retries)");

        taker.close();
        Chromium.waitFor(ann.page, "atriumApp.client.state === 'joined' || atriumApp.client.state", Participant.MEDIA);
        assertThat(ann.page.locator("#banner")).isHidden();
        assertThat(ann.page.locator("#meeting")).isVisible();
        // every failed attempt was a refusal, none came back sooner than the refusal's pause, and the pause doubled
        List<?> retries = (List<?>) ann.page.evaluate("retries");
        for (Object r : retries) {
            Map<?, ?> retry = (Map<?, ?>) r;
            assertThat(retry.get("reason")).as("%s", retries).isEqualTo("too-many-connections");
            assertThat(((Number) retry.get("retryInMs")).intValue()).as("%s", retries).isGreaterThanOrEqualTo(REFUSED_PAUSE_MS);
        }
        assertThat(((Number) ((Map<?, ?>) retries.get(1)).get("retryInMs")).intValue()).as("%s", retries)
                .isGreaterThanOrEqualTo(2 * REFUSED_PAUSE_MS);
        assertThat(open.track(RpcClient.connect(server)).served()).as("the page holds the place again").isFalse();
    }

    @Test
    void refusalsForTheWholeWindowEndTheCallSayingWhy() throws Exception {
        Participant ann = annJoined();
        ann.page.evaluate("atriumApp.client.reconnectWindowMs = " + WINDOW_MS);
        dropAndTakeHerPlace(ann);
        assertThat(ann.page.locator("#banner")).hasText("Too many connections from this network — retrying…");
        Chromium.waitFor(ann.page, "!document.getElementById('ended').hidden || atriumApp.client.state", Duration.ofSeconds(90));
        assertThat(ann.page.locator("#ended-message")).hasText("The server refused the connection: too many connections from"
                + " this network. Close Atrium tabs you do not need, or wait a minute, then join again.");
        assertThat(ann.page.locator("#rejoin")).isVisible();
        assertThat(ann.page.evaluate("retries.length")).as("it retried before giving up").isNotEqualTo(0);
    }

    /**
     * A socket that something takes and never answers (the gate, holding it) is given up as unreachable once the SDK's
     * request timeout has passed, not after the browser's own wait of minutes: a reconnect loop goes on to its next
     * attempt (a clean-clone run once saw a page reconnecting for 150 s, its socket taken by a listener that had got
     * the stopped server's port).
     */
    @Test
    void aSocketNobodyAnswersIsUnreachableOnceTheTimeoutHasPassed() throws Exception {
        server = open.track(TestServer.start(Db.H2));
        gate = open.track(new TcpGate(server.server().httpPort()));
        Page page = open.track(Chromium.newPage("unanswered"));
        page.navigate("http://127.0.0.1:" + gate.port() + "/"); // the socket's origin, as the page's CSP allows
        gate.hold();
        String outcome = (String) page.evaluate("""
                async url => {
                  const { RpcSocket } = await import('/rpc.js');
                  const started = performance.now();
                  try {
                    await new RpcSocket({ url, timeoutMs: 1500 }).open();
                    return 'opened';
                  } catch (e) {
                    return e.reason + ' after ' + Math.round(performance.now() - started) + ' ms';
                  }
                }""", "ws://127.0.0.1:" + gate.port() + "/v1/rtc");
        assertThat(outcome).matches("unreachable after \\d+ ms");
        assertThat(Integer.parseInt(outcome.replaceAll("\\D", ""))).as(outcome).isGreaterThanOrEqualTo(1_450);
        gate.awaitWaiting(1, Chromium.PATIENCE); // the gate took the connection and holds it: nothing refused it
    }

    @Test
    void aPageRefusedOnJoiningSaysWhy() throws Exception {
        Participant ann = annAtPrejoin();
        open.track(RpcClient.connectServed(server, Chromium.PATIENCE));
        ann.submitPrejoin("Ann");
        assertThat(ann.page.locator("#ended-message")).hasText("The server refused the connection: too many connections from"
                + " this network. Close Atrium tabs you do not need, or wait a minute, then join again.");
        assertThat(ann.page.locator("#rejoin")).isVisible();
    }
}
