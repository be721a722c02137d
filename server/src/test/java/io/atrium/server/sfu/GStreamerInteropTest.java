package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.Closer;
import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.Waits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GStreamer 1.22 {@code webrtcbin} with libnice (Debian's packages; the stack of simple-whip-client and many
 * encoders) publishes VP8, VP9 and H.264 with Opus over WHIP, and plays each back over WHEP, each through the
 * harness {@code src/test/resources/interop/gst_client.py}. The publishers run past the 30 s mark where
 * Atrium used to cut libnice peers (they send only Binding indications once connected): each is still
 * connected and sending at {@value #CONSENT_CHECK_SECONDS} s. The room's media stats must show the 320x240
 * frame size for every codec (read from VP8 key frames, the VP9 uncompressed header and the H.264 SPS);
 * the players must decode video and audio. docs/INTEROP.md has the matrix this proves.
 */
class GStreamerInteropTest extends Interop {
    private static final int PUBLISH_SECONDS = 45;
    private static final int CONSENT_CHECK_SECONDS = 40;
    private static final int PLAY_SECONDS = 10;

    @RegisterExtension
    final Closer open = new Closer();

    @Test
    void publishesVp8Vp9AndH264PastTheConsentTimeoutAndPlaysThemBack() {
        Map<String, String> rooms = new LinkedHashMap<>();
        List.of("vp8", "vp9", "h264").forEach(codec -> rooms.put(codec, server.createRoom("gst-" + codec)));
        Map<String, ExternalPeer> publisher = new LinkedHashMap<>();
        rooms.forEach((codec, room) -> publisher.put(codec, gst("gst-publish-" + codec, "publish", room, codec, PUBLISH_SECONDS)));
        assertThat(publisher.get("vp8").await("answer", CONNECT).path("etag").asText()).isNotBlank();
        long connected = System.nanoTime();
        publisher.values().forEach(p -> p.awaitState("connected", CONNECT));
        rooms.forEach((codec, room) -> waitForSize320x240(room, codec));

        List<ExternalPeer> players = rooms.entrySet().stream()
                .map(e -> gst("gst-play-" + e.getKey(), "play", e.getValue(), e.getKey(), PLAY_SECONDS)).toList();
        players.forEach(p -> assertPlayed(p, PLAY_SECONDS, 5));

        Waits.sleep(Math.max(0, CONSENT_CHECK_SECONDS * 1000L - (System.nanoTime() - connected) / 1_000_000));
        for (String room : rooms.values()) {
            long before = publisher(server, room).path("packets_in").asLong();
            Waits.waitUntil(() -> publisher(server, room).path("packets_in").asLong() > before + 10,
                    "media still arriving");
            assertThat(publisher(server, room).path("connected").asBoolean())
                    .as("connected past the consent timeout").isTrue();
        }
        publisher.values().forEach(p -> assertPublishedToTheEnd(p, PUBLISH_SECONDS));
    }

    private ExternalPeer gst(String name, String mode, String room, String codec, int seconds) {
        return open.track(pythonClient(name, "gst_client.py", mode, room, codec, Integer.toString(seconds)));
    }
}
