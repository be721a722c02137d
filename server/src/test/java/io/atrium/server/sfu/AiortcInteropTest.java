package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.ExternalPeer;
import org.junit.jupiter.api.Test;

/**
 * aiortc (Debian's python3-aiortc 1.4, WebRTC in Python) publishes VP8 and H.264 with Opus over WHIP and
 * plays each back over WHEP, decoding the frames, through {@code src/test/resources/interop/aiortc_client.py}.
 * The room's media stats must show the 320x240 size of both (VP8 key frame, H.264 SPS). aiortc also joins a
 * room with a Chromium member over the room protocol (the JSON-RPC socket of contract 002, no SDK): each
 * decodes the other's video and hears its audio for the whole run.
 */
class AiortcInteropTest extends Interop {
    private static final int PUBLISH_SECONDS = 45;
    private static final int PLAY_SECONDS = 8;
    private static final int ROOM_SECONDS = 45;

    @Test
    void publishesVp8AndH264AndPlaysThemBack() {
        String vp8Room = server.createRoom("aiortc-vp8");
        String h264Room = server.createRoom("aiortc-h264");
        try (ExternalPeer vp8 = publish("aiortc-publish-vp8", vp8Room, "vp8");
             ExternalPeer h264 = publish("aiortc-publish-h264", h264Room, "h264")) {
            vp8.awaitState("connected", CONNECT);
            h264.awaitState("connected", CONNECT);
            waitForSize320x240(vp8Room, "VP8");
            waitForSize320x240(h264Room, "H264");
            try (ExternalPeer vp8Player = play("aiortc-play-vp8", vp8Room);
                 ExternalPeer h264Player = play("aiortc-play-h264", h264Room)) {
                assertPlayed(vp8Player, PLAY_SECONDS, 5);
                assertPlayed(h264Player, PLAY_SECONDS, 5);
            }
            assertPublishedToTheEnd(vp8, PUBLISH_SECONDS);
            assertPublishedToTheEnd(h264, PUBLISH_SECONDS);
        }
    }

    @Test
    void joinsARoomWithAChromiumMemberOverTheRoomProtocol() {
        String room = openRoom("aiortc-room");
        try (Page chromium = chromiumMember(room)) {
            String socket = "ws://127.0.0.1:" + server.server().httpPort() + "/v1/rtc";
            try (ExternalPeer aiortc = python("aiortc-room", "aiortc_client.py", "room", socket, room,
                    Integer.toString(ROOM_SECONDS))) {
                assertThat(aiortc.await("joined", CONNECT).path("members").toString()).contains("Chromium");
                aiortc.awaitState("connected", CONNECT);
                assertChromiumDecodesTheOther(chromium, ROOM_SECONDS);
                assertThat(chromium.evaluate("async () => (await client.memberStats([...client.members.keys()][0])).video.frameWidth"))
                        .as("the width of aiortc's frames, decoded by Chromium").isEqualTo(320);
                JsonNode done = assertPlayed(aiortc, ROOM_SECONDS, 5);
                assertThat(done.path("state1").asText()).as("aiortc's receiving connection").isEqualTo("connected");
                assertThat(done.path("audio_peak").asInt()).as("aiortc hears Chromium's tone").isGreaterThan(100);
            }
        }
    }

    private ExternalPeer publish(String name, String room, String codec) {
        return pythonClient(name, "aiortc_client.py", "publish", room, codec, Integer.toString(PUBLISH_SECONDS));
    }

    private ExternalPeer play(String name, String room) {
        return pythonClient(name, "aiortc_client.py", "play", room, Integer.toString(PLAY_SECONDS));
    }
}
