package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GStreamer 1.22 {@code webrtcbin} with libnice (Debian's packages; the stack of simple-whip-client and many
 * encoders) publishes VP8 and H.264 with Opus over WHIP, and plays both back over WHEP, each through the
 * harness {@code src/test/resources/interop/gst_client.py}. The publishers run past the 30 s mark where
 * Atrium used to cut libnice peers (they send only Binding indications once connected): each is still
 * connected and sending at {@value #CONSENT_CHECK_SECONDS} s. The room's media stats must show the 320x240
 * frame size for both codecs (read from VP8 key frames and the H.264 SPS); the players must decode video
 * and audio. docs/INTEROP.md has the matrix this proves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GStreamerInteropTest {
    private static final int PUBLISH_SECONDS = 40;
    private static final int CONSENT_CHECK_SECONDS = 36;
    private static final int PLAY_SECONDS = 10;

    TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void publishesVp8AndH264PastTheConsentTimeoutAndPlaysThemBack() {
        String vp8Room = server.createRoom("gst-vp8");
        String h264Room = server.createRoom("gst-h264");
        try (ExternalPeer vp8 = gst("gst-publish-vp8", "publish", "/whip/" + vp8Room, "vp8", PUBLISH_SECONDS);
             ExternalPeer h264 = gst("gst-publish-h264", "publish", "/whip/" + h264Room, "h264", PUBLISH_SECONDS)) {
            assertThat(vp8.await("answer", Interop.CONNECT).path("etag").asText()).isNotBlank();
            long connected = System.nanoTime();
            vp8.awaitState("connected", Interop.CONNECT);
            h264.awaitState("connected", Interop.CONNECT);
            Interop.waitForSize320x240(server, vp8Room, "VP8");
            Interop.waitForSize320x240(server, h264Room, "H264");

            try (ExternalPeer vp8Player = gst("gst-play-vp8", "play", "/whep/" + vp8Room, "vp8", PLAY_SECONDS);
                 ExternalPeer h264Player = gst("gst-play-h264", "play", "/whep/" + h264Room, "h264", PLAY_SECONDS)) {
                Interop.assertPlayed(vp8Player, PLAY_SECONDS, 5);
                Interop.assertPlayed(h264Player, PLAY_SECONDS, 5);
            }

            Waits.sleep(Math.max(0, CONSENT_CHECK_SECONDS * 1000L - (System.nanoTime() - connected) / 1_000_000));
            for (String room : List.of(vp8Room, h264Room)) {
                long before = Interop.publisher(server, room).path("packets_in").asLong();
                Waits.waitUntil(() -> Interop.publisher(server, room).path("packets_in").asLong() > before + 10,
                        "media still arriving");
                assertThat(Interop.publisher(server, room).path("connected").asBoolean())
                        .as("connected past the consent timeout").isTrue();
            }
            Interop.assertPublishedToTheEnd(vp8, PUBLISH_SECONDS);
            Interop.assertPublishedToTheEnd(h264, PUBLISH_SECONDS);
        }
    }

    private ExternalPeer gst(String name, String mode, String path, String codec, int seconds) {
        String room = path.substring(path.lastIndexOf('/') + 1);
        return Interop.python(name, "gst_client.py", mode, server.uri(path).toString(), server.token(room, ""), codec,
                Integer.toString(seconds));
    }
}
