package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import org.junit.jupiter.api.parallel.Isolated;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Simulcast layer choice by subscriber size, and NACK recovery under loss, with real Chromium. */
@Isolated
class SimulcastAndLossBrowserTest {

    TestServer server;
    String room;

    @BeforeEach
    void start() {
        server = TestServer.start(Db.H2);
        room = server.createRoom("simulcast");
    }

    @AfterEach
    void stop() {
        server.server().media().testDropRate(0);
        server.close();
    }

    Page page(String label) {
        Page page = Chromium.newPage(label);
        Chromium.installHelpers(page);
        page.navigate(server.uri("/").toString());
        return page;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> stats(Page page, String fn, String kind) {
        return (Map<String, Object>) ((Map<String, Object>) page.evaluate("atriumTest." + fn + "(window.pc)")).get(kind);
    }

    static long number(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    @Test
    void aSmallSubscriberGetsTheLowLayerAndALargeOneTheFullLayer() {
        try (Page publisher = page("simulcast-pub"); Page small = page("small"); Page large = page("large")) {
            // 720p, so that Chrome sends all three layers (it sends only two for 480p): 320x180, 640x360, 1280x720
            publisher.evaluate("([room, token]) => atriumTest.whip(room, token, {simulcast: true, video: {width: 1280, height: 720}})"
                    + ".then(pc => { window.pc = pc; })", List.of(room, server.token(room, "")));
            small.evaluate("([room, token]) => atriumTest.whep(room, token, '?width=320&height=180').then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            large.evaluate("([room, token]) => atriumTest.whep(room, token, '?width=1280&height=720').then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            Chromium.waitFor(small, "atriumTest.inboundStats(pc).then(s => (s.video.framesDecoded > 20 && s.video.frameWidth > 0) || s)");
            assertThat(stats(small, "inboundStats", "video")).containsEntry("frameWidth", 320).containsEntry("frameHeight", 180);
            var layers = server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers/0/tracks")
                    .findValues("layers").stream().filter(l -> l.size() == 3).findFirst().orElseThrow();
            assertThat(layers.findValuesAsText("rid")).containsExactly("q", "h", "f");
            // Chrome turns the full layer on once its bandwidth estimate (fed by Atrium's transport-cc
            // feedback) allows it; the large player then switches to it
            try {
                Chromium.waitFor(large, "atriumTest.inboundStats(pc).then(s => s.video.frameWidth === 1280 || s)");
            } catch (AssertionError e) {
                Object diag = publisher.evaluate("""
                        async () => { const out = []; (await pc.getStats()).forEach(r => {
                          if (r.type === 'outbound-rtp' && r.kind === 'video') out.push([r.rid, r.frameWidth, r.bytesSent,
                            r.qualityLimitationReason, r.active, r.targetBitrate].join(' '));
                          if (r.type === 'candidate-pair' && r.nominated) out.push('aob ' + r.availableOutgoingBitrate);
                        }); return out.join(' | '); }""");
                throw new AssertionError(e.getMessage() + "\npublisher: " + diag + "\nserver: "
                        + server.get("/v1/rooms/" + room + "/media").body(), e);
            }
            assertThat(stats(small, "inboundStats", "video")).containsEntry("frameWidth", 320);
        }
    }

    @Test
    void videoKeepsDecodingWhenFivePercentOfIncomingPacketsAreLost() {
        try (Page publisher = page("lossy-pub"); Page player = page("lossy-player")) {
            publisher.evaluate("([room, token]) => atriumTest.whip(room, token).then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            player.evaluate("([room, token]) => atriumTest.whep(room, token).then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            Chromium.waitFor(player, "atriumTest.inboundStats(pc).then(s => s.video.framesDecoded > 10 || s)");
            server.server().media().testDropRate(0.05);
            long before = number(stats(player, "inboundStats", "video"), "framesDecoded");
            Chromium.waitFor(player, "atriumTest.inboundStats(pc).then(s => s.video.framesDecoded > " + (before + 60) + " || s)",
                    Duration.ofSeconds(8));
            assertThat(number(stats(publisher, "outboundStats", "video"), "nackCount")).as("NACKs from the SFU").isPositive();
            var layer = server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers/0/tracks")
                    .findValues("layers").stream().filter(l -> l.size() == 1 && l.at("/0/width").asInt() > 0).findFirst().orElseThrow();
            assertThat(layer.at("/0/nacks_sent").asLong()).isPositive();
            assertThat(layer.at("/0/retransmissions_received").asLong()).isPositive();
        }
    }
}
