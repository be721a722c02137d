package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.ExternalPeer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * GStreamer 1.22 {@code webrtcbin} with libnice (Debian's packages; the stack of simple-whip-client and many
 * encoders) publishes VP8, VP9 and H.264 with Opus over WHIP, and plays each back over WHEP, each through the
 * harness {@code src/test/resources/interop/gst_client.py}, all at once. libnice sends only Binding indications
 * once connected (Atrium used to cut such peers at the consent timeout): the players must still decode video
 * and audio after a consent timeout, the publishers still be connected and sending after 2.5 of them, and a
 * fourth publisher, killed, be dropped after about one ({@link Interop}). The room's media stats must show the
 * 320x240 frame size for every codec (read from VP8 key frames, the VP9 uncompressed header and the H.264 SPS).
 * docs/INTEROP.md has the matrix this proves.
 */
class GStreamerInteropTest extends Interop {

    @Test
    void publishesVp8Vp9AndH264AndPlaysThemBackPastTheConsentTimeout() {
        Map<String, String> codecs = new LinkedHashMap<>();
        List.of("vp8", "vp9", "h264").forEach(codec -> codecs.put(server.createRoom("gst-" + codec), codec));
        Map<String, ExternalPeer> publishers = new LinkedHashMap<>();
        codecs.forEach((room, codec) -> publishers.put(room, gst("gst-publish-" + codec, "publish", room, codec, UNTIL_KILLED_SECONDS)));
        String controlRoom = server.createRoom("gst-control");
        ExternalPeer control = gst("gst-control", "publish", controlRoom, "vp8", UNTIL_KILLED_SECONDS);
        assertThat(publishers.values().iterator().next().await("answer", CONNECT).path("etag").asText()).isNotBlank();
        publishers.values().forEach(p -> p.awaitState("connected", CONNECT));
        long connected = System.nanoTime();

        List<ExternalPeer> players = codecs.entrySet().stream()
                .map(e -> gst("gst-play-" + e.getValue(), "play", e.getKey(), e.getValue(), RUN_SECONDS)).toList();
        CompletableFuture<Void> dropped = killAndCheckDroppedAfterTheConsentTimeout(controlRoom, control);
        codecs.forEach(this::waitForSize320x240);
        players.forEach(p -> assertPlayed(p, 5));
        assertStillPublishing(publishers, connected);
        dropped.join();
    }

    private ExternalPeer gst(String name, String mode, String room, String codec, int seconds) {
        return pythonClient(name, "gst_client.py", mode, room, codec, Integer.toString(seconds));
    }
}
