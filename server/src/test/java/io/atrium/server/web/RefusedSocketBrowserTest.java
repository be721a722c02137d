package io.atrium.server.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TcpGate;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
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

    /**
     * A refusal that arrives while an attempt is still on its way to its first request: the request finds the socket
     * closing (close frame received, close event not yet fired, as while the connection's end is on its way) and fails
     * as "not connected"; the retry loop waits for the close event and reports the refusal, not a dropped connection
     * (a loaded clean-clone run saw "closed" once). The endpoint is {@link #refusingSlowly}'s, which ends the
     * connection 1.5 s after its refusal.
     */
    @Test
    void aRefusalTheAttemptMeetsBeforeItsCloseEventIsStillARefusal() throws Exception {
        server = open.track(TestServer.start(Db.H2));
        try (ServerSocket endpoint = refusingSlowly(1_500)) {
            Page page = open.track(Chromium.newPage("refused-slowly", new Browser.NewContextOptions().setBypassCSP(true)));
            page.navigate(server.uri("/healthz").toString());
            Object failures = page.evaluate("""
                    async url => {
                      const { RpcSocket } = await import('/rpc.js');
                      const rpc = new RpcSocket({ url });
                      const failures = [];
                      await rpc.openWith(async () => {
                        // the request leaves once the refusal has come (readyState 2, closing), before the connection ends
                        while (rpc.socket.readyState === WebSocket.OPEN) await new Promise(r => setTimeout(r, 20));
                        failures.push('request while ' + rpc.socket.readyState);
                        return rpc.request('authenticate', {});
                      }, { stopped: () => failures.length > 1, onFailure: f => failures.push(f.reason) });
                      return failures;
                    }""", "ws://127.0.0.1:" + endpoint.getLocalPort() + "/v1/rtc");
            assertThat(failures).asList().containsExactly("request while 2", "too-many-connections");
        }
    }

    /**
     * A WebSocket endpoint on 127.0.0.1 that takes one connection, answers its upgrade, refuses it at once as Atrium
     * does (close 1013), reads the browser's close frame and ends the connection only {@code endAfterMs} later.
     */
    private static ServerSocket refusingSlowly(int endAfterMs) throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = listener.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                String key = null;
                for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                        key = line.substring(line.indexOf(':') + 1).trim();
                    }
                }
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(new byte[] {(byte) 0x88, 2, (byte) (1013 >> 8), (byte) (1013 & 0xff)}); // close, 1013
                out.flush();
                in.read(); // the browser's close frame (masked: 2 + 4 + 2 bytes), so that ending sends no reset
                Thread.sleep(endAfterMs);
            } catch (Exception e) {
                // the test fails on what the page saw
            }
        }, "refusing-slowly");
        t.setDaemon(true);
        t.start();
        return listener;
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
