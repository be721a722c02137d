package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.NodeClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * libdatachannel (npm {@code node-datachannel}, the WebRTC stack of OBS Studio's WHIP output) publishes
 * H.264 and Opus, then AV1 and Opus, over WHIP the way OBS does (libdatachannel's own H.264 and AV1
 * packetizers, sender reports, NACK responder); werift (npm, WebRTC in TypeScript) and GStreamer play them over WHEP. The harness scripts are
 * {@code src/test/resources/interop/node/ndc_whip.mjs}, {@code werift_whep.mjs} and {@code gst_client.py};
 * the npm packages come from the committed lockfile ({@link NodeClients}). The room's media stats must show
 * the 320x240 size from the H.264 SPS and the AV1 sequence header; werift must receive complete frames and
 * audio, GStreamer decode them.
 */
class LibDataChannelInteropTest extends Interop {
    private static final int PUBLISH_SECONDS = 45;
    private static final int PLAY_SECONDS = 10;

    @Test
    void obsStylePublisherIsPlayedByWeriftAndGStreamer() {
        publishAndPlay("h264");
    }

    /** AV1 as OBS 31 sends it over WHIP; werift plays it (GStreamer 1.22 has no AV1 RTP depayloader). */
    @Test
    void obsStyleAv1PublisherIsPlayedByWerift() {
        publishAndPlay("av1");
    }

    private void publishAndPlay(String codec) {
        String room = server.createRoom("libdatachannel-" + codec);
        try (ExternalPeer publisher = node("ndc-publish-" + codec, "ndc_whip.mjs", url("whip", room), server.token(room, ""),
                codec, Integer.toString(PUBLISH_SECONDS))) {
            assertThat(publisher.await("answer", CONNECT).path("offer_codecs").toString())
                    .contains(codec.toUpperCase(Locale.ROOT), "opus");
            publisher.awaitState("connected", CONNECT);
            waitForSize320x240(room, codec);
            List<ExternalPeer> players = new ArrayList<>(List.of(node("werift-play-" + codec, "werift_whep.mjs",
                    url("whep", room), server.token(room, ""), codec, Integer.toString(PLAY_SECONDS))));
            if (codec.equals("h264")) {
                players.add(pythonClient("gst-play-ndc-h264", "gst_client.py", "play", room, codec, Integer.toString(PLAY_SECONDS)));
            }
            try {
                players.forEach(player -> assertPlayed(player, PLAY_SECONDS, 3));
            } finally {
                players.forEach(ExternalPeer::close);
            }
            assertPublishedToTheEnd(publisher, PUBLISH_SECONDS);
        }
    }
}
