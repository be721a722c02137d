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
import org.junit.jupiter.api.Test;
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

    /**
     * VP9 SVC (docs/MEDIA.md, "Spatial layers"): a Chromium publishing one {@code L3T3_KEY} stream of 960×540 (spatial
     * layers 240×135, 480×270, 960×540), a WHEP player with a 240×135 tile and one with none (the best): the small one
     * decodes the lowest spatial layer, the other the top one, both keep decoding, and the media API says which spatial
     * layer each gets.
     */
    @Test
    void vp9SvcSpatialLayerFollowsTileSize() {
        spatialLayerFollowsTileSize("VP9", 960, 540, 3, false);
    }

    /**
     * AV1 SVC by the dependency descriptor (docs/MEDIA.md, "Spatial layers"), as for VP9: a Chromium asked for one
     * {@code L3T3_KEY} AV1 stream of 640×360 (small, as AV1 software encoding is heavy) encodes {@code L2T3_KEY} at that
     * size (its outbound-rtp {@code scalabilityMode} says so: libwebrtc drops spatial layers that would be too small),
     * so 320×180 and 640×360; the descriptor offered by publisher and players (Chromium offers it only when asked).
     */
    @Test
    void av1SvcSpatialLayerFollowsTileSize() {
        spatialLayerFollowsTileSize("AV1", 640, 360, 2, true);
    }

    /**
     * A publisher of one {@code L3T3_KEY} stream of {@code width}×{@code height}, which its encoder makes {@code layers}
     * spatial layers; a WHEP player with a quarter-size tile decodes the lowest spatial layer, one with no tile the top.
     */
    private void spatialLayerFollowsTileSize(String codec, int width, int height, int layers, boolean dependencyDescriptor) {
        String room = server.createRoom("svc-" + codec);
        try (Page publisher = Chromium.newPage("pub-svc"); Page small = Chromium.newPage("svc-small");
             Page full = Chromium.newPage("svc-full")) {
            for (Page p : List.of(publisher, small, full)) {
                Chromium.installHelpers(p);
                p.navigate(server.uri("/play.html").toString());
            }
            publisher.evaluate(("([room, token]) => atriumTest.whip(room, token, {codec: 'video/%s', scalabilityMode: 'L3T3_KEY',"
                    + " video: {width: %d, height: %d}, dependencyDescriptor: %s}).then(pc => { window.pc = pc; })")
                    .formatted(codec, width, height, dependencyDescriptor), List.of(room, server.token(room, "")));
            // the spatial layers' sizes, from the scalability (VP9) or template dependency (AV1) structure of the
            // publisher's key frames (Chrome starts with fewer spatial layers and adds the upper ones as its bandwidth
            // estimate grows)
            JsonNode[] sizes = new JsonNode[1];
            JsonNode[] seen = new JsonNode[1];
            try {
                Waits.waitUntil(() -> {
                    seen[0] = Interop.publisher(server, room).path("tracks");
                    for (JsonNode track : seen[0]) {
                        JsonNode spatial = track.at("/layers/0/spatial_layers");
                        if (track.path("codec").asText().equalsIgnoreCase(codec) && spatial.size() == layers) {
                            sizes[0] = spatial;
                            return true;
                        }
                    }
                    return false;
                }, "the published " + codec + " SVC track with its " + layers + " spatial layers at Atrium",
                        java.time.Duration.ofSeconds(60)); // Chrome adds them as its estimate grows: slower on a loaded machine
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; Atrium saw " + seen[0] + "; the publisher: " + publisher.evaluate(
                        "pc.getStats().then(r => JSON.stringify([...r.values()].filter(s => s.type === 'outbound-rtp' && s.kind === 'video')))"
                        + ".then(s => s + ' ' + pc.localDescription.sdp.split('\\n').filter(l => l.includes('extmap')).join(' '))"), e);
            }
            int lowest = sizes[0].at("/0/width").asInt();
            int top = sizes[0].at("/" + (sizes[0].size() - 1) + "/width").asInt();
            assertThat(lowest).as(sizes[0].toString()).isLessThanOrEqualTo(width / 2).isLessThan(top);
            assertThat(publisher.evaluate("pc.getStats().then(r => [...r.values()].find(s => s.type === 'outbound-rtp'"
                    + " && s.kind === 'video').scalabilityMode)")).asString().startsWith("L" + layers + "T3");
            String options = "{dependencyDescriptor: " + dependencyDescriptor + "}";
            small.evaluate(("([room, token]) => atriumTest.whep(room, token, '?width=%d&height=%d', '', %s)"
                    + ".then(pc => { window.pc = pc; })").formatted(width / 4, height / 4, options), List.of(room, server.token(room, "")));
            full.evaluate("([room, token]) => atriumTest.whep(room, token, '', '', %s).then(pc => { window.pc = pc; })"
                    .formatted(options), List.of(room, server.token(room, "")));
            String decodes = "atriumTest.inboundStats(pc).then(s => (s.video.framesDecoded > %d && s.video.frameWidth === %d) || s)";
            Chromium.waitFor(small, decodes.formatted(10, lowest));
            Chromium.waitFor(full, decodes.formatted(10, top));
            long smallFrames = ((Number) small.evaluate("atriumTest.inboundStats(pc).then(s => s.video.framesDecoded)")).longValue();
            long fullFrames = ((Number) full.evaluate("atriumTest.inboundStats(pc).then(s => s.video.framesDecoded)")).longValue();
            Chromium.waitFor(small, decodes.formatted(smallFrames + 10, lowest));
            Chromium.waitFor(full, decodes.formatted(fullFrames + 10, top));
            List<Integer> forwarded = new java.util.ArrayList<>();
            long dropped = 0;
            for (JsonNode stream : server.get("/v1/rooms/" + room + "/media").json().at("/media/subscribers").findValues("streams")
                    .stream().flatMap(l -> java.util.stream.StreamSupport.stream(l.spliterator(), false)).toList()) {
                if (stream.path("spatial_dropped").asLong() > 0 || stream.path("spatial_layer").asInt() > 0) {
                    forwarded.add(stream.path("spatial_layer").asInt());
                    dropped += stream.path("spatial_dropped").asLong();
                }
            }
            assertThat(forwarded).as("spatial layers forwarded").containsExactlyInAnyOrder(0, sizes[0].size() - 1);
            assertThat(dropped).as("packets of the upper spatial layers not sent to the small tile").isPositive();
            assertThat(small.evaluate("atriumTest.inboundVideoCodec(pc)")).isEqualTo("video/" + codec);
        }
    }
}
