package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every video codec Atrium forwards travels from one Chromium to another and is decoded. */
@ResourceLock(Chromium.LOCK)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodecsBrowserTest {

    TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"video/VP8", "video/H264", "video/VP9", "video/AV1"})
    void codecIsForwardedAndDecoded(String codec) {
        String room = server.createRoom(codec);
        try (Page publisher = Chromium.newPage("pub-" + codec); Page player = Chromium.newPage("play-" + codec)) {
            for (Page p : List.of(publisher, player)) {
                Chromium.installHelpers(p);
                p.navigate(server.uri("/play.html").toString());
            }
            publisher.evaluate("([room, token, codec]) => atriumTest.whip(room, token, {codec}).then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, ""), codec));
            // WHEP plays what is being published: wait until the camera's first packets made it a track (ICE and
            // DTLS take a while on a loaded machine), else the player would rightly get 404
            String name = codec.substring("video/".length());
            Waits.waitUntil(() -> {
                for (JsonNode track : Interop.publisher(server, room).path("tracks")) {
                    if (track.path("codec").asText().equalsIgnoreCase(name)) {
                        return true;
                    }
                }
                return false;
            }, "the published " + name + " track at Atrium");
            player.evaluate("([room, token]) => atriumTest.whep(room, token).then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            Chromium.waitFor(player, "atriumTest.inboundStats(pc).then(s => s.video.framesDecoded > 10 || s)");
            assertThat(player.evaluate("atriumTest.inboundVideoCodec(pc)")).isEqualTo(codec);
        }
    }
}
