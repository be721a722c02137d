package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Simulcast layer choice by subscriber size, and NACK recovery under loss, with real Chromium. */
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
            publisher.evaluate("([room, token]) => atriumTest.whip(room, token, {simulcast: true}).then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            small.evaluate("([room, token]) => atriumTest.whep(room, token, '?width=160&height=120').then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            large.evaluate("([room, token]) => atriumTest.whep(room, token, '?width=640&height=480').then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            Chromium.waitFor(small, "atriumTest.inboundStats(pc).then(s => (s.video.framesDecoded > 20 && s.video.frameWidth > 0) || s)",
                    Duration.ofSeconds(15));
            assertThat(stats(small, "inboundStats", "video")).containsEntry("frameWidth", 160).containsEntry("frameHeight", 120);
            var layers = server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers/0/tracks")
                    .findValues("layers").stream().filter(l -> l.size() == 3).findFirst().orElseThrow();
            assertThat(layers.findValuesAsText("rid")).containsExactly("q", "h", "f");
            // Chrome turns its layers on as its bandwidth estimate grows; the large player gets the widest one sent
            int widest = layers.findValues("width").stream().mapToInt(w -> w.asInt()).max().orElseThrow();
            assertThat(widest).as(layers.toString()).isGreaterThan(160);
            Chromium.waitFor(large, "atriumTest.inboundStats(pc).then(s => s.video.frameWidth >= " + widest + " || s)",
                    Duration.ofSeconds(15));
            assertThat(number(stats(large, "inboundStats", "video"), "frameWidth")).isGreaterThan(160);
        }
    }

    @Test
    void videoKeepsDecodingWhenFivePercentOfIncomingPacketsAreLost() {
        try (Page publisher = page("lossy-pub"); Page player = page("lossy-player")) {
            publisher.evaluate("([room, token]) => atriumTest.whip(room, token).then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            player.evaluate("([room, token]) => atriumTest.whep(room, token).then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            Chromium.waitFor(player, "atriumTest.inboundStats(pc).then(s => s.video.framesDecoded > 10 || s)", Duration.ofSeconds(10));
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
