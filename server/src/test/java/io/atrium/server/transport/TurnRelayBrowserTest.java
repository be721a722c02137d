package io.atrium.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.auth.TurnCredentials;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Coturn;
import io.atrium.server.testing.SdkScripts;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * TURN through a real coturn (REST credentials, {@code use-auth-secret}): two Chromium pages that may
 * use relayed candidates only ({@code iceTransportPolicy: "relay"}) join a meeting with the SDK, which
 * takes the ICE servers Atrium hands out, and decode each other's video and audio through coturn.
 * coturn refuses a wrong password and an expired username.
 */
@ResourceLock(Chromium.LOCK)
class TurnRelayBrowserTest {

    /** The candidate types of the selected pair of each of the client's connections. */
    static final String SELECTED_TYPES = """
            (async () => {
              const out = [];
              for (const pc of [client.publishPc, client.receivePc]) {
                if (!pc) continue;
                const stats = await pc.getStats();
                stats.forEach(t => {
                  if (t.type === 'transport' && t.selectedCandidatePairId) {
                    const pair = stats.get(t.selectedCandidatePairId);
                    out.push(stats.get(pair.localCandidateId).candidateType);
                  }
                });
              }
              return out;
            })()""";

    /** Gathers with one TURN server, relay only; resolves to {types, errors}. */
    static final String GATHER = """
            async ([urls, username, credential]) => {
              const pc = new RTCPeerConnection({ iceServers: [{ urls, username, credential }], iceTransportPolicy: 'relay' });
              const types = [], errors = [];
              pc.onicecandidate = e => { if (e.candidate) types.push(e.candidate.type); };
              pc.onicecandidateerror = e => errors.push(e.errorCode);
              pc.createDataChannel('probe');
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise(done => {
                const timer = setTimeout(done, 20000);
                pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') { clearTimeout(timer); done(); } };
              });
              pc.close();
              return { types, errors };
            }""";

    static Coturn coturn;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        coturn = Coturn.start();
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-turn-"));
        server = TestServer.start(c.withTurn(new AtriumConfig.Turn(List.of(coturn.url()), coturn.secret(), 600L)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void relayOnlyParticipantsDecodeVideoAndAudioThroughCoturn() {
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"turn\",\"open\":true}}").json().at("/room/uuid").asText();
        try (Page ann = page("ann"); Page bob = page("bob")) {
            List<Map<String, Object>> servers = (List<Map<String, Object>>) ann.evaluate(SdkScripts.JOIN, List.of(room, "Ann", "relay"));
            bob.evaluate(SdkScripts.JOIN, List.of(room, "Bob", "relay"));
            assertThat(servers).hasSize(1);
            assertThat(servers.get(0).get("urls")).isEqualTo(List.of(coturn.url()));
            String username = (String) servers.get(0).get("username");
            assertThat(username).matches("\\d+:.+");
            long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
            assertThat(expiry).isBetween(Instant.now().getEpochSecond() + 500, Instant.now().getEpochSecond() + 700);
            assertThat(servers.get(0).get("credential")).isEqualTo(TurnCredentials.password(coturn.secret(), username));

            for (Page p : List.of(ann, bob)) {
                Chromium.waitFor(p, SdkScripts.DECODES_OTHER, Duration.ofSeconds(45));
                Chromium.waitFor(p, "(async () => { const t = await " + SELECTED_TYPES + ";"
                        + " return (t.length === 2 && t.every(x => x === 'relay')) || t; })()");
            }
            Chromium.screenshot(bob, "turn-relay");
        }
        // coturn relayed the media: it logged allocations and permissions towards Atrium's media port
        assertThat(coturn.log()).contains("ALLOCATE processed, success").contains("CREATE_PERMISSION processed, success");
    }

    /**
     * A page that joins with a token (no {@code authenticate}) learns the TURN servers only from {@code join_room}'s
     * answer: the SDK offers again with them, and Atrium's answer from a new connection makes it gather on a new
     * publish connection, relayed (docs/WEB.md, "A new connection on Atrium's side").
     */
    @Test
    void aPageJoiningWithATokenTakesTheTurnServersFromTheAnswer() {
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"turn-token\",\"open\":true}}").json().at("/room/uuid").asText();
        try (Page ann = page("ann-token"); Page bob = page("bob-token")) {
            ann.evaluate("""
                    async ([room, token]) => {
                      const { AtriumClient } = await import('/atrium.js');
                      const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
                      const client = new AtriumClient({ room, iceTransportPolicy: 'relay', simulcast: false });
                      window.client = client;
                      client.useToken(token);
                      await client.join({ audioTrack: media.getAudioTracks()[0], videoTrack: media.getVideoTracks()[0] });
                    }""", List.of(room, server.token(room, "\"name\": \"Ann\"")));
            bob.evaluate(SdkScripts.JOIN, List.of(room, "Bob", "relay"));
            for (Page p : List.of(ann, bob)) {
                Chromium.waitFor(p, SdkScripts.DECODES_OTHER, Duration.ofSeconds(45));
                Chromium.waitFor(p, "(async () => { const t = await " + SELECTED_TYPES + ";"
                        + " return (t.length === 2 && t.every(x => x === 'relay')) || t; })()");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void coturnRefusesWrongAndExpiredCredentials() {
        try (Page page = page("gather")) {
            String good = "" + (Instant.now().getEpochSecond() + 600) + ":probe";
            Map<String, Object> ok = (Map<String, Object>) page.evaluate(GATHER,
                    List.of(coturn.url(), good, TurnCredentials.password(coturn.secret(), good)));
            assertThat((List<String>) ok.get("types")).contains("relay");

            Map<String, Object> wrong = (Map<String, Object>) page.evaluate(GATHER,
                    List.of(coturn.url(), good, TurnCredentials.password("not-the-secret", good)));
            assertThat((List<String>) wrong.get("types")).doesNotContain("relay");
            assertThat((List<Number>) wrong.get("errors")).extracting(Number::intValue).contains(401);

            String expired = "" + (Instant.now().getEpochSecond() - 10) + ":probe";
            Map<String, Object> old = (Map<String, Object>) page.evaluate(GATHER,
                    List.of(coturn.url(), expired, TurnCredentials.password(coturn.secret(), expired)));
            assertThat((List<String>) old.get("types")).doesNotContain("relay");
            assertThat((List<Number>) old.get("errors")).extracting(Number::intValue).contains(401);
        }
    }

    private static Page page(String label) {
        Page page = Chromium.newPage(label);
        page.navigate(server.uri("/healthz").toString());
        return page;
    }
}
