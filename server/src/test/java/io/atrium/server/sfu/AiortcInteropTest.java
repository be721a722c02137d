package io.atrium.server.sfu;

import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * aiortc (Debian's python3-aiortc 1.4, WebRTC in Python) publishes VP8 and H.264 with Opus over WHIP and
 * plays each back over WHEP, decoding the frames, through {@code src/test/resources/interop/aiortc_client.py}.
 * The room's media stats must show the 320x240 size of both (VP8 key frame, H.264 SPS).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AiortcInteropTest {
    private static final int PUBLISH_SECONDS = 20;
    private static final int PLAY_SECONDS = 8;

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
    void publishesVp8AndH264AndPlaysThemBack() {
        String vp8Room = server.createRoom("aiortc-vp8");
        String h264Room = server.createRoom("aiortc-h264");
        try (ExternalPeer vp8 = aiortc("aiortc-publish-vp8", "publish", vp8Room, "vp8", PUBLISH_SECONDS);
             ExternalPeer h264 = aiortc("aiortc-publish-h264", "publish", h264Room, "h264", PUBLISH_SECONDS)) {
            vp8.awaitState("connected", Interop.CONNECT);
            h264.awaitState("connected", Interop.CONNECT);
            Interop.waitForSize320x240(server, vp8Room, "VP8");
            Interop.waitForSize320x240(server, h264Room, "H264");
            try (ExternalPeer vp8Player = aiortc("aiortc-play-vp8", "play", vp8Room, null, PLAY_SECONDS);
                 ExternalPeer h264Player = aiortc("aiortc-play-h264", "play", h264Room, null, PLAY_SECONDS)) {
                Interop.assertPlayed(vp8Player, PLAY_SECONDS, 5);
                Interop.assertPlayed(h264Player, PLAY_SECONDS, 5);
            }
            Interop.assertPublishedToTheEnd(vp8, PUBLISH_SECONDS);
            Interop.assertPublishedToTheEnd(h264, PUBLISH_SECONDS);
        }
    }

    private ExternalPeer aiortc(String name, String mode, String room, String codec, int seconds) {
        String url = server.uri((mode.equals("publish") ? "/whip/" : "/whep/") + room).toString();
        String token = server.token(room, "");
        return codec == null ? Interop.python(name, "aiortc_client.py", mode, url, token, Integer.toString(seconds))
                : Interop.python(name, "aiortc_client.py", mode, url, token, codec, Integer.toString(seconds));
    }
}
