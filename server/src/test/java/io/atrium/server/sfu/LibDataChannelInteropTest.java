package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.Coturn;
import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.NodeClients;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * libdatachannel (npm {@code node-datachannel}, the WebRTC stack of OBS Studio's WHIP output) publishes H.264 and
 * Opus, and AV1 (as OBS 31 sends over WHIP) and Opus, over WHIP the way OBS does (libdatachannel's own H.264 and
 * AV1 packetizers, sender reports, NACK responder); werift (npm, WebRTC in TypeScript) plays both over WHEP,
 * GStreamer the H.264 one (GStreamer 1.22 has no AV1 RTP depayloader); all at once. The harness scripts are
 * {@code src/test/resources/interop/node/ndc_whip.mjs}, {@code werift_whep.mjs} and {@code gst_client.py}; the
 * npm packages come from the committed lockfile ({@link NodeClients}). The room's media stats must show the
 * 320x240 size from the H.264 SPS and the AV1 sequence header; werift must receive complete frames and audio,
 * GStreamer decode them, after a consent timeout; the publishers must outlive 2.5 of them, and a third one,
 * killed, be dropped after about one ({@link Interop}).
 */
class LibDataChannelInteropTest extends Interop {

    @Test
    void obsStyleH264AndAv1PublishersArePlayedByWeriftAndGStreamerPastTheConsentTimeout() {
        Map<String, String> codecs = new LinkedHashMap<>();
        List.of("h264", "av1").forEach(codec -> codecs.put(server.createRoom("libdatachannel-" + codec), codec));
        Map<String, ExternalPeer> publishers = new LinkedHashMap<>();
        codecs.forEach((room, codec) -> publishers.put(room, node("ndc-publish-" + codec, "ndc_whip.mjs", url("whip", room),
                server.token(room, ""), codec, Integer.toString(UNTIL_KILLED_SECONDS))));
        String controlRoom = server.createRoom("libdatachannel-control");
        ExternalPeer control = node("ndc-control", "ndc_whip.mjs", url("whip", controlRoom), server.token(controlRoom, ""),
                "h264", Integer.toString(UNTIL_KILLED_SECONDS));
        // the werift players start with the publishers (werift's start takes seconds) and ask once those are connected;
        // coturn answers their STUN query at once (werift_whep.mjs)
        Coturn stun = open.track(Coturn.start());
        List<ExternalPeer> players = codecs.entrySet().stream().map(e -> node("werift-play-" + e.getValue(), "werift_whep.mjs",
                url("whep", e.getKey()), server.token(e.getKey(), ""), e.getValue(), Integer.toString(RUN_SECONDS),
                stun.stunUrl())).toList();
        codecs.forEach((room, codec) -> assertThat(publishers.get(room).await("answer", CONNECT).path("offer_codecs").toString())
                .contains(codec.toUpperCase(Locale.ROOT), "opus"));
        publishers.values().forEach(p -> p.awaitState("connected", CONNECT));
        long connected = System.nanoTime();

        players.forEach(player -> player.send("go"));
        String h264Room = codecs.keySet().iterator().next();
        ExternalPeer gst = pythonClient("gst-play-ndc-h264", "gst_client.py", "play", h264Room, "h264", Integer.toString(RUN_SECONDS));
        CompletableFuture<Void> dropped = killAndCheckDroppedAfterTheConsentTimeout(controlRoom, control);
        codecs.forEach(this::waitForSize320x240);
        players.forEach(player -> assertPlayed(player, 3));
        assertPlayed(gst, 3);
        assertStillPublishing(publishers, connected);
        dropped.join();
    }
}
