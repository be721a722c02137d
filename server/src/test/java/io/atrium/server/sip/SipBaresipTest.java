package io.atrium.server.sip;

import static io.atrium.server.sip.SipRoomBrowserTest.hearsTone;
import static io.atrium.server.sip.SipRoomBrowserTest.sipMember;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Baresip;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Goertzel;
import io.atrium.server.testing.Heavy;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import io.atrium.server.web.Participant;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * baresip, a real softphone (Opus), with the configuration docs/SIP.md gives a newcomer: it registers
 * with digest, dials a room's number and talks with a Chromium participant. Audio is checked by content
 * both ways: the browser's Web Audio analyser finds baresip's sine (its {@code ausine} microphone) on
 * the phone member's track, and what baresip decoded (dumped by its {@code sndfile} module) holds the
 * browser's microphone tone and not baresip's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Heavy
class SipBaresipTest {

    static final int BROWSER_TONE = 600;
    static final int PHONE_TONE = 1000;
    static final int RATE = 48_000;

    TestServer server;
    int sipPort;
    Browser browser;

    @BeforeAll
    void start() throws IOException {
        sipPort = Sipp.freePort();
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-baresip-"));
        server = TestServer.start(Scrapes.withToken(c).withSip(new AtriumConfig.Sip(true, "127.0.0.1", sipPort, "", "atrium", 60, 3600,
                100, 10, 0, 0, List.of("MD5"), List.of())));
        assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"alice\",\"display_name\":\"Alice Softphone\","
                + "\"password\":\"alice-password\",\"sip_extension\":\"1001\"}}").status()).isEqualTo(201);
        browser = SipRoomBrowserTest.browserWithTone(BROWSER_TONE);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void baresipRegistersDialsARoomAndTalksWithABrowser() {
        TestServer.Response created = server.post("/v1/rooms", "{\"room\":{\"name\":\"softphone\",\"open\":true}}");
        assertThat(created.status()).isEqualTo(201);
        String room = created.json().at("/room/uuid").asText();
        String number = server.get("/v1/sip/rooms/" + room).json().get("number").asText();
        short[] heard;
        try (Participant host = Participant.open(server, "host", "/room.html?room=" + room + "&host=1", true,
                Chromium.newPage("host", new Browser.NewContextOptions(), browser)).join("Host")) {
            Baresip phone = Baresip.start(sipPort, "1001", "alice", "alice-password", PHONE_TONE);
            try {
                Waits.waitUntil(() -> registration() != null, "baresip's digest registration", Duration.ofSeconds(30));
                JsonNode reg = registration();
                assertThat(reg.get("extension").asText()).isEqualTo("1001");
                assertThat(reg.get("username").asText()).isEqualTo("alice");

                phone.type("/dial " + number + "\n");
                String id = sipMember(host);
                assertThat(host.page.evaluate("id => atriumApp.client.members.get(id).name", id)).isEqualTo("Alice Softphone");
                hearsTone(host, id, PHONE_TONE, BROWSER_TONE);
                Waits.waitUntil(() -> phone.heardBytes() > 4L * RATE * 4, "4 s of the room's audio decoded by baresip", Participant.MEDIA);
            } finally {
                phone.close(); // hangs up (BYE) and closes its dump
            }
            heard = phone.heard();
            Chromium.waitFor(host.page, "![...atriumApp.client.members.values()].some(m => m.isSip)", Participant.MEDIA);
        }
        assertThat(blockPower(heard, BROWSER_TONE)).as(BROWSER_TONE + " Hz, the browser's microphone").isGreaterThan(0.3);
        assertThat(blockPower(heard, PHONE_TONE)).as(PHONE_TONE + " Hz, baresip's own voice").isLessThan(0.05);
        Waits.waitUntil(() -> registration() == null, "baresip's unregistration");
    }

    /** baresip's registration in {@code GET /v1/sip/registrations}, or null. */
    JsonNode registration() {
        for (JsonNode r : server.get("/v1/sip/registrations").json().get("registrations")) {
            if (r.path("user_agent").asText().startsWith("baresip")) {
                return r;
            }
        }
        return null;
    }

    /** Goertzel power of {@code frequency} per 50 ms block, averaged over the blocks with sound. */
    static double blockPower(short[] pcm, double frequency) {
        int block = RATE / 20;
        double sum = 0;
        int blocks = 0;
        for (int off = 0; off + block <= pcm.length; off += block) {
            short[] b = Arrays.copyOfRange(pcm, off, off + block);
            double energy = 0;
            for (short v : b) {
                energy += (double) v * v;
            }
            if (energy / block > 100) {
                sum += Goertzel.power(b, block, RATE, frequency);
                blocks++;
            }
        }
        assertThat(blocks).as("blocks with sound").isGreaterThan(20);
        return sum / blocks;
    }
}
