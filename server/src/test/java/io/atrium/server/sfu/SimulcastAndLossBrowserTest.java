package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.Chromium;
import org.junit.jupiter.api.parallel.Isolated;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.Waits;
import io.atrium.server.testing.TestServer.Db;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulcast layer choice by subscriber size, dynacast (layers nobody needs paused at an SDK publisher), and NACK
 * recovery under loss, with real Chromium.
 */
@Isolated
class SimulcastAndLossBrowserTest {

    private static final Logger log = LoggerFactory.getLogger(SimulcastAndLossBrowserTest.class);

    TestServer server;
    String room;

    /** Dynacast's wait before a pause, shorter than the default 5 s to keep the test short (the rule is AllocatorTest's). */
    static final int PAUSE_AFTER_SECONDS = 2;

    @BeforeEach
    void start() throws java.io.IOException {
        var c = TestServer.config(Db.H2, java.nio.file.Files.createTempDirectory("atrium-simulcast-"));
        server = TestServer.start(c.withRtc(c.rtc().withDynacast(new io.atrium.server.config.AtriumConfig.Dynacast(true,
                PAUSE_AFTER_SECONDS))));
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

    /** {@code paused_upstream} of the simulcast video track's layers q, h and f, as GET /v1/rooms/{uuid}/media shows them. */
    List<Boolean> pausedUpstream(String room) {
        Map<String, Boolean> byRid = new java.util.HashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode layer : server.get("/v1/rooms/" + room + "/media").json()
                .at("/media/publishers").findValues("layers").stream().flatMap(l -> java.util.stream.StreamSupport.stream(
                        l.spliterator(), false)).toList()) {
            byRid.put(layer.path("rid").asText(), layer.path("paused_upstream").asBoolean());
        }
        return java.util.stream.Stream.of("q", "h", "f").map(rid -> byRid.getOrDefault(rid, null)).toList();
    }

    static long number(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    /**
     * A 720p SDK publisher in three layers (Chrome sends all three only from 720p: 320x180, 640x360, 1280x720): a small
     * WHEP player gets the low layer, a large SDK viewer the full one. Dynacast: once the viewer's tile is small too,
     * the publisher is told to stop encoding the layers above the low one ({@code encodings[i].active = false}, its
     * bytes stand still), and the full layer is sent again as soon as the viewer's tile is large again.
     */
    @Test
    void layersFollowTileSizesAndALayerNoTileNeedsIsPausedAtThePublisherUntilOneDoes() {
        String open = server.post("/v1/rooms", "{\"room\":{\"name\":\"dynacast\",\"open\":true}}").json().at("/room/uuid").asText();
        try (Page publisher = page("simulcast-pub"); Page small = page("small"); Page viewer = page("viewer")) {
            publisher.evaluate(SDK_JOIN, List.of(open, "pub", 1280, 720, true));
            small.evaluate("([room, token]) => atriumTest.whep(room, token, '?width=320&height=180').then(pc => { window.pc = pc; })",
                    List.of(open, server.token(open, "")));
            // the viewer asks for the full layer before it subscribes, and keeps the publisher's video allocations it is told
            viewer.evaluate(SDK_JOIN.replace("await client.join", """
                    client.setTileSize('pub', 1280, 720);
                    window.allocs = []; client.addEventListener('notification', e => {
                      if (e.detail.method === 'member_video_allocations' && e.detail.params.pub) allocs.push(e.detail.params.pub); });
                    await client.join"""),
                    List.of(open, "viewer", 0, 0, false));
            Chromium.waitFor(small, "atriumTest.inboundStats(pc).then(s => (s.video.framesDecoded > 20 && s.video.frameWidth > 0) || s)");
            assertThat(stats(small, "inboundStats", "video")).containsEntry("frameWidth", 320).containsEntry("frameHeight", 180);
            var layers = server.get("/v1/rooms/" + open + "/media").json().at("/media/publishers")
                    .findValues("layers").stream().filter(l -> l.size() == 3).findFirst().orElseThrow();
            assertThat(layers.findValuesAsText("rid")).containsExactly("q", "h", "f");
            // Chrome turns the full layer on once its bandwidth estimate (fed by Atrium's transport-cc
            // feedback) allows it; the large viewer then switches to it
            String decodesWidth = "client.memberStats('pub').then(s => s.video.frameWidth === %d || s.video)";
            try {
                Chromium.waitFor(viewer, decodesWidth.formatted(1280));
            } catch (AssertionError e) {
                Object diag = publisher.evaluate("""
                        async () => { const out = []; (await client.publishPc.getStats()).forEach(r => {
                          if (r.type === 'outbound-rtp' && r.kind === 'video') out.push([r.rid, r.frameWidth, r.bytesSent,
                            r.qualityLimitationReason, r.active, r.targetBitrate].join(' '));
                          if (r.type === 'candidate-pair' && r.nominated) out.push('aob ' + r.availableOutgoingBitrate);
                        }); return out.join(' | '); }""");
                throw new AssertionError(e.getMessage() + "\npublisher: " + diag + "\nserver: "
                        + server.get("/v1/rooms/" + open + "/media").body(), e);
            }
            assertThat(stats(small, "inboundStats", "video")).containsEntry("frameWidth", 320);

            long shrunk = System.nanoTime();
            viewer.evaluate("client.setTileSize('pub', 320, 180)");
            Chromium.waitFor(publisher, FULL_LAYER + ".then(f => (f.active === false && f.statsActive !== true) || f)");
            double pausedAfter = (System.nanoTime() - shrunk) / 1e9;
            Chromium.waitFor(viewer, decodesWidth.formatted(320));
            // stopped: the full layer's bytes stand still while the viewer decodes 20 more frames of the low one. Chrome's
            // pacer may still send what it queued before the layer went inactive (5 KB seen at load 7): first let that drain
            Chromium.waitForSteady(publisher, "the paused full layer's bytesSent", () -> number(publisherFull(publisher), "bytesSent"),
                    Duration.ofMillis(500), Duration.ofSeconds(10));
            long sent = number(publisherFull(publisher), "bytesSent");
            long frames = number(viewerVideo(viewer), "framesDecoded");
            Chromium.waitFor(viewer, "client.memberStats('pub').then(s => s.video.framesDecoded > " + (frames + 20) + " || s.video)");
            assertThat(number(publisherFull(publisher), "bytesSent")).as("the full layer's bytes while paused").isEqualTo(sent);
            assertThat(pausedUpstream(open)).as("the media API's layers q, h, f: both above the low one")
                    .containsExactly(false, true, true);

            long enlarged = System.nanoTime();
            viewer.evaluate("client.setTileSize('pub', 1280, 720)");
            Chromium.waitFor(publisher, FULL_LAYER + ".then(f => (f.active && f.bytesSent > " + sent + ") || f)");
            double sendingAfter = (System.nanoTime() - enlarged) / 1e9;
            Chromium.waitFor(viewer, decodesWidth.formatted(1280));
            double decodedAfter = (System.nanoTime() - enlarged) / 1e9;
            assertThat(pausedUpstream(open)).as("the media API's layers q, h, f").containsExactly(false, false, false);
            assertThat(stats(small, "inboundStats", "video")).containsEntry("frameWidth", 320);
            log.info("dynacast (pause after {} s): full layer paused {} s after every tile became small; sending again {} s and"
                    + " decoded at 1280 wide {} s after the tile was enlarged", PAUSE_AFTER_SECONDS, String.format("%.1f", pausedAfter),
                    String.format("%.1f", sendingAfter),
                    String.format("%.1f", decodedAfter));
            aReceiveCapBelowTheFullLayerHalvesItsFrameRateAtTheSameSizeUntilLifted(open, publisher, viewer);
        }
    }

    /**
     * Temporal layers end to end (the same session as above, the viewer on the full layer): the viewer caps what it
     * receives ({@code client.setReceiveBitrate}: {@code b=TIAS} in its offer) between the full layer's TL0+1 and its
     * full rate. Atrium keeps the 1280-wide layer but leaves out its TL2 frames: the viewer decodes about half the
     * frames the publisher encodes, still 1280 wide, and {@code member_video_allocations} and {@code GET /media} say so.
     * When the cap is lifted every temporal layer comes back. Frames are counted against what the publisher's full
     * layer encoded over the same window, so a loaded machine does not change the ratio.
     */
    @SuppressWarnings("unchecked")
    void aReceiveCapBelowTheFullLayerHalvesItsFrameRateAtTheSameSizeUntilLifted(String room, Page publisher, Page viewer) {
        // every temporal layer of the full layer first (on a loaded machine the estimate alone may have taken TL2 away)
        Chromium.waitFor(viewer, ALL_OF_F + "(allocs[allocs.length - 1]) || allocs.slice(-3)");
        JsonNode media = fullLayerSteady(room, viewer);
        long tl01 = layer(media, "f").at("/temporal_bitrates/1").asLong();
        long all = layer(media, "f").path("bitrate").asLong();
        long audio = tracks(media).filter(t -> t.path("kind").asText().equals("audio")).mapToLong(t -> t.at("/layers/0/bitrate").asLong())
                .sum();
        long cap = audio + (tl01 + all) / 2;
        double[] before = framesOverWindow(publisher, viewer);

        long capped = System.nanoTime();
        viewer.evaluate("c => { window.sinceCap = allocs.length; return client.setReceiveBitrate(c); }", (int) cap);
        Chromium.waitFor(viewer, "allocs.slice(sinceCap).some(a => a.rid === 'f' && a.temporal < a.temporal_layers - 1) || allocs.slice(-3)");
        double adapted = (System.nanoTime() - capped) / 1e9;
        Map<String, Object> told = (Map<String, Object>) viewer.evaluate(
                "allocs.slice(sinceCap).find(a => a.rid === 'f' && a.temporal < a.temporal_layers - 1)");
        assertThat(told).as("member_video_allocations under the cap").containsEntry("width", 1280)
                .containsEntry("temporal_layers", 3).containsEntry("paused", false);
        JsonNode stream = cappedVideo(waitForMedia(m -> cappedVideo(m, cap).path("temporal_layer").asInt(2) < 2,
                "GET /media: the capped viewer's video below TL2", room), cap);
        assertThat(stream.path("layer").asInt()).as("GET /media: still the full layer").isEqualTo(2);
        double[] under = framesOverWindow(publisher, viewer);
        assertThat(cappedVideo(server.get("/v1/rooms/" + room + "/media").json().path("media"), cap).path("temporal_dropped").asLong())
                .as("packets of the left-out layer").isPositive();
        assertThat(number(viewerVideo(viewer), "frameWidth")).as("the size stays").isEqualTo(1280);
        assertThat(under[0]).as("frames decoded under the cap (it keeps decoding)").isGreaterThan(5);
        assertThat(under[0] / under[1]).as("frames decoded per frame the full layer encoded, under the cap").isBetween(0.2, 0.65);

        long lifted = System.nanoTime();
        viewer.evaluate("client.setReceiveBitrate(null)");
        Chromium.waitFor(viewer, ALL_OF_F + "(allocs[allocs.length - 1]) || allocs.slice(-3)");
        double back = (System.nanoTime() - lifted) / 1e9;
        double[] after = framesOverWindow(publisher, viewer);
        assertThat(after[0] / after[1]).as("frames decoded per frame encoded once the cap is lifted").isGreaterThan(0.75);
        assertThat(number(viewerVideo(viewer), "frameWidth")).isEqualTo(1280);
        log.info("receive cap {} kbit/s (f: TL0+1 {}, all {}; audio {}): TL{} of 3 told {} s after the cap; frames decoded per frame"
                + " encoded {} -> {} -> {} ({} -> {} -> {} fps); all temporal layers back {} s after the lift", cap / 1000, tl01 / 1000,
                all / 1000, audio / 1000, told.get("temporal"), String.format("%.1f", adapted),
                String.format("%.2f", before[0] / before[1]), String.format("%.2f", under[0] / under[1]),
                String.format("%.2f", after[0] / after[1]), String.format("%.1f", before[2]), String.format("%.1f", under[2]),
                String.format("%.1f", after[2]), String.format("%.1f", back));
    }

    /**
     * Dynacast of one VP9 SVC encoding: an SDK publisher of a 960×540 camera in {@code L3T3_KEY} (spatial layers 240,
     * 480 and 960 wide) and an SDK viewer. Once the viewer's tile is small, the publisher is told to encode one spatial
     * layer ({@code publish_layers} with {@code spatial_layers: 1}) and its outbound-rtp encodes {@code L1T3} at
     * 240×135 while the viewer keeps decoding 240 wide; once the tile is large again, {@code L3T3_KEY} at 960×540 and
     * the viewer decodes 960 wide.
     */
    @Test
    void anSvcPublishersUpperSpatialLayersAreNotEncodedWhileEveryTileIsSmall() {
        String open = server.post("/v1/rooms", "{\"room\":{\"name\":\"svc-dynacast\",\"open\":true}}").json().at("/room/uuid").asText();
        try (Page publisher = page("svc-pub"); Page viewer = page("svc-viewer")) {
            assertThat(publisher.evaluate("""
                    async () => { const { AtriumClient, svcReduced } = await import('/atrium.js');
                      let refused; try { new AtriumClient({ room: 'r', scalabilityMode: 'S3T3' }); } catch (e) { refused = e.name; }
                      return [svcReduced('L3T3_KEY', 1), svcReduced('L3T3_KEY', 2), svcReduced('L3T3_KEY', 3),
                        svcReduced('L3T3_KEY', undefined), svcReduced('L2T2h', 1), refused].map(String); }"""))
                    .as("the SDK's mode for n spatial layers, and a mode it refuses")
                    .isEqualTo(List.of("L1T3,4", "L2T3_KEY,2", "L3T3_KEY,1", "L3T3_KEY,1", "L1T2,1.5", "TypeError"));
            publisher.evaluate(SDK_JOIN.replace("new AtriumClient({ room, callId, simulcast })",
                    "new AtriumClient({ room, callId, scalabilityMode: 'L3T3_KEY' })").replace("await client.join", """
                    window.told = []; client.addEventListener('notification', e => {
                      if (e.detail.method === 'publish_layers') told.push(e.detail.params); });
                    await client.join"""), List.of(open, "pub", 960, 540, false));
            viewer.evaluate(SDK_JOIN.replace("await client.join", "client.setTileSize('pub', 960, 540);\nawait client.join"),
                    List.of(open, "viewer", 0, 0, false));
            String decodesWidth = "client.memberStats('pub').then(s => s.video.frameWidth === %d || s.video)";
            Chromium.waitFor(viewer, decodesWidth.formatted(960));
            Chromium.waitFor(publisher, SVC_OUT + ".then(o => (o.scalabilityMode === 'L3T3_KEY' && o.frameWidth === 960) || o)");
            assertThat(publisher.evaluate("told")).as("nothing held back while the tile is large").asList().isEmpty();

            long shrunk = System.nanoTime();
            viewer.evaluate("client.setTileSize('pub', 240, 135)");
            Chromium.waitFor(publisher, SVC_OUT + ".then(o => (o.scalabilityMode === 'L1T3' && o.frameWidth === 240) || o)");
            double reducedAfter = (System.nanoTime() - shrunk) / 1e9;
            assertThat(publisher.evaluate("told[told.length - 1]")).isEqualTo(Map.of("source", "camera", "active", Map.of(),
                    "spatial_layers", 1));
            JsonNode spatial = tracks(server.get("/v1/rooms/" + open + "/media").json().path("media"))
                    .map(t -> t.at("/layers/0/spatial_layers")).filter(l -> l.size() == 3).findFirst().orElseThrow();
            assertThat(spatial.findValuesAsText("width")).as("the structure keeps the layers held back").containsExactly("240", "480", "960");
            assertThat(spatial.findValuesAsText("paused_upstream")).containsExactly("false", "true", "true");
            Chromium.waitFor(viewer, decodesWidth.formatted(240));
            long frames = number(viewerVideo(viewer), "framesDecoded");
            Chromium.waitFor(viewer, "client.memberStats('pub').then(s => s.video.framesDecoded > " + (frames + 20) + " || s.video)");
            assertThat(number(viewerVideo(viewer), "frameWidth")).as("the viewer keeps the low layer").isEqualTo(240);

            long enlarged = System.nanoTime();
            viewer.evaluate("client.setTileSize('pub', 960, 540)");
            Chromium.waitFor(publisher, SVC_OUT + ".then(o => (o.scalabilityMode === 'L3T3_KEY' && o.frameWidth === 960) || o)");
            double restoredAfter = (System.nanoTime() - enlarged) / 1e9;
            Chromium.waitFor(viewer, decodesWidth.formatted(960));
            double decodedAfter = (System.nanoTime() - enlarged) / 1e9;
            assertThat(publisher.evaluate("told[told.length - 1]")).isEqualTo(Map.of("source", "camera", "active", Map.of(),
                    "spatial_layers", 3));
            log.info("SVC dynacast (pause after {} s): the publisher encoded L1T3 at 240x135 {} s after the only tile became"
                    + " small; L3T3_KEY at 960x540 again {} s, decoded 960 wide {} s after it was enlarged",
                    PAUSE_AFTER_SECONDS, String.format("%.1f", reducedAfter), String.format("%.1f", restoredAfter),
                    String.format("%.1f", decodedAfter));
        }
    }

    /** The SDK publisher's camera outbound-rtp: {scalabilityMode, frameWidth, bytesSent}. */
    static final String SVC_OUT = """
            (async () => { const out = {}; (await client._transceivers.video.sender.getStats()).forEach(r => {
              if (r.type === 'outbound-rtp') { out.scalabilityMode = r.scalabilityMode; out.frameWidth = r.frameWidth;
                out.bytesSent = r.bytesSent; } }); return out; })()""";

    /** A JS predicate on one allocation: the full layer with every temporal layer. */
    static final String ALL_OF_F = "(a => !!a && a.rid === 'f' && a.temporal === a.temporal_layers - 1)";

    /** Over 2 s: {frames the viewer decoded, frames the publisher's full layer encoded, the viewer's frames per second}. */
    static double[] framesOverWindow(Page publisher, Page viewer) {
        long t0 = System.nanoTime();
        long encoded0 = number(publisherFull(publisher), "framesEncoded");
        long decoded0 = number(viewerVideo(viewer), "framesDecoded");
        viewer.waitForTimeout(2000); // the window frames are counted over (a measurement, not a wait for an event)
        long decoded = number(viewerVideo(viewer), "framesDecoded") - decoded0;
        long encoded = number(publisherFull(publisher), "framesEncoded") - encoded0;
        return new double[] {decoded, encoded, decoded / ((System.nanoTime() - t0) / 1e9)};
    }

    /**
     * GET /media once the full layer's rate has stopped rising (it ramps up for seconds after it resumes, as Chrome's
     * estimate grows): two 1-second rate windows in a row each at most 5 % above the one before.
     */
    JsonNode fullLayerSteady(String room, Page page) {
        long deadline = System.nanoTime() + Chromium.PATIENCE.toNanos();
        java.util.List<Long> rates = new java.util.ArrayList<>();
        while (true) {
            JsonNode media = server.get("/v1/rooms/" + room + "/media").json().path("media");
            JsonNode f = layer(media, "f");
            rates.add(f.path("temporal_bitrates").size() == 3 ? f.path("bitrate").asLong() : -1);
            int n = rates.size();
            if (n >= 3 && rates.get(n - 3) > 0 && rates.get(n - 2) <= rates.get(n - 3) * 1.05 && rates.get(n - 1) <= rates.get(n - 2) * 1.05) {
                return media;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the full layer's rate did not settle: " + rates + "; last f: " + f);
            }
            page.waitForTimeout(1000); // one rate window between samples
        }
    }

    /** GET /v1/rooms/{uuid}/media's {@code media} once {@code until} holds for it. */
    JsonNode waitForMedia(java.util.function.Predicate<JsonNode> until, String what, String room) {
        JsonNode[] last = {null};
        Waits.waitUntil(() -> until.test(last[0] = server.get("/v1/rooms/" + room + "/media").json().path("media")), what,
                Chromium.PATIENCE);
        return last[0];
    }

    static java.util.stream.Stream<JsonNode> tracks(JsonNode media) {
        return media.at("/publishers").findValues("tracks").stream()
                .flatMap(t -> java.util.stream.StreamSupport.stream(t.spliterator(), false));
    }

    /** The layer {@code rid} of the room's simulcast track. */
    static JsonNode layer(JsonNode media, String rid) {
        return tracks(media).flatMap(t -> java.util.stream.StreamSupport.stream(t.path("layers").spliterator(), false))
                .filter(l -> l.path("rid").asText().equals(rid)).findFirst().orElse(MissingNode.getInstance());
    }

    /** The video stream forwarded to the subscriber whose offer carried {@code cap}. */
    static JsonNode cappedVideo(JsonNode media, long cap) {
        java.util.Set<String> video = tracks(media).filter(t -> t.path("kind").asText().equals("video")).map(t -> t.path("id").asText())
                .collect(java.util.stream.Collectors.toSet());
        for (JsonNode s : media.path("subscribers")) {
            for (JsonNode st : s.path("streams")) {
                if (s.at("/estimate/receive_cap").asLong() == cap && video.contains(st.path("track").asText())) {
                    return st;
                }
            }
        }
        return MissingNode.getInstance();
    }

    @Test
    void videoKeepsDecodingWhenFivePercentOfIncomingPacketsAreLost() {
        try (Page publisher = page("lossy-pub"); Page player = page("lossy-player")) {
            publisher.evaluate("([room, token]) => atriumTest.whip(room, token).then(pc => { window.pc = pc; })",
                    List.of(room, server.token(room, "")));
            // WHEP plays what is being published: wait for the tracks (their first packets, after ICE and DTLS, which take
            // a while on a loaded machine), else the player would rightly get 404
            Waits.waitUntil(() -> Interop.publisher(server, room).path("tracks").size() == 2, "the published tracks at Atrium",
                    Chromium.PATIENCE);
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

    /** Joins with the SDK as {@code callId}, publishing a camera of {@code width} x {@code height} (none for 0), in three simulcast layers if asked. */
    static final String SDK_JOIN = """
            async ([room, callId, width, height, simulcast]) => {
              const { AtriumClient } = await import('/atrium.js');
              const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: width > 0 && { width, height } });
              const client = new AtriumClient({ room, callId, simulcast });
              window.client = client;
              await client.connect();
              await client.authenticate({ displayName: callId });
              await client.join({ audioTrack: media.getAudioTracks()[0], videoTrack: media.getVideoTracks()[0] });
            }""";

    /** The publisher's full layer as its sender sees it: {active (getParameters), statsActive, bytesSent, framesEncoded}. */
    static final String FULL_LAYER = """
            (async () => { const sender = client._transceivers.video.sender;
              const out = { active: sender.getParameters().encodings.find(e => e.rid === 'f').active };
              (await sender.getStats()).forEach(r => { if (r.type === 'outbound-rtp' && r.rid === 'f') {
                out.statsActive = r.active; out.bytesSent = r.bytesSent; out.framesEncoded = r.framesEncoded ?? 0; } });
              return out; })()""";

    @SuppressWarnings("unchecked")
    static Map<String, Object> publisherFull(Page publisher) {
        return (Map<String, Object>) publisher.evaluate("async () => " + FULL_LAYER);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> viewerVideo(Page viewer) {
        return (Map<String, Object>) ((Map<String, Object>) viewer.evaluate("client.memberStats('pub')")).get("video");
    }
}
