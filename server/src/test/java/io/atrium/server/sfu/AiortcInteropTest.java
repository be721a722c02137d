package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import io.atrium.server.testing.ExternalPeer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * aiortc (Debian's python3-aiortc 1.4, WebRTC in Python) through {@code src/test/resources/interop/aiortc_client.py},
 * every cell at once:
 * <ul>
 * <li>publishes VP8 and H.264 with Opus over WHIP and plays each back over WHEP, decoding the frames; the room's
 * media stats must show the 320x240 size of both (VP8 key frame, H.264 SPS);</li>
 * <li>joins a room with a Chromium member over the room protocol (the JSON-RPC socket of contract 002, no SDK):
 * each decodes the other's video and hears its audio.</li>
 * </ul>
 * Every connection must outlive the consent timeout, and a third publisher, killed, be dropped after about one
 * ({@link Interop}). The players start with the publishers and ask for their stream once those are connected.
 */
class AiortcInteropTest extends Interop {
    /**
     * How much longer the H.264 player runs: its first frame waits for the publisher's next key frame, as aiortc
     * 1.4's H.264 encoder ignores key frame requests (PLI) and keeps libx264's GOP of 250 frames (8.3 s at 30 fps).
     */
    private static final int H264_KEY_FRAME_SECONDS = 5;

    @Test
    void publishesAndPlaysOverWhipAndWhepAndJoinsARoomWithChromiumPastTheConsentTimeout() {
        Map<String, ExternalPeer> publishers = new LinkedHashMap<>();
        String vp8Room = server.createRoom("aiortc-vp8");
        String h264Room = server.createRoom("aiortc-h264");
        publishers.put(vp8Room, publish("aiortc-publish-vp8", vp8Room, "vp8"));
        publishers.put(h264Room, publish("aiortc-publish-h264", h264Room, "h264"));
        String controlRoom = server.createRoom("aiortc-control");
        ExternalPeer control = publish("aiortc-control", controlRoom, "vp8");
        ExternalPeer vp8Player = play("aiortc-play-vp8", vp8Room, RUN_SECONDS); // starts, plays once sent "go"
        ExternalPeer h264Player = play("aiortc-play-h264", h264Room, RUN_SECONDS + H264_KEY_FRAME_SECONDS);
        String room = openRoom("aiortc-room");
        String socket = "ws://127.0.0.1:" + server.server().httpPort() + "/v1/rtc";
        ExternalPeer member = open.track(python("aiortc-room", "aiortc_client.py", "room", socket, room,
                Integer.toString(RUN_SECONDS)));
        Page chromium = chromiumMember(room); // aiortc, in the room first, subscribes to Chromium once it joins

        publishers.values().forEach(p -> p.awaitState("connected", CONNECT));
        long connected = System.nanoTime();
        List.of(vp8Player, h264Player).forEach(player -> player.send("go"));
        CompletableFuture<Void> dropped = killAndCheckDroppedAfterTheConsentTimeout(controlRoom, control);

        assertThat(member.await("subscribed", CONNECT).path("member").asText()).isEqualTo("Chromium");
        member.awaitState("connected", CONNECT);
        assertChromiumDecodesTheOther(chromium);
        assertThat(chromium.evaluate("async () => (await client.memberStats([...client.members.keys()][0])).video.frameWidth"))
                .as("the width of aiortc's frames, decoded by Chromium").isEqualTo(320);

        waitForSize320x240(vp8Room, "VP8");
        waitForSize320x240(h264Room, "H264");
        assertPlayed(vp8Player, 5);
        assertPlayed(h264Player, 5);
        JsonNode done = assertPlayed(member, 5);
        assertThat(done.path("state1").asText()).as("aiortc's receiving connection").isEqualTo("connected");
        assertThat(done.path("audio_peak").asInt()).as("aiortc hears Chromium's tone").isGreaterThan(100);

        assertStillPublishing(publishers, connected);
        dropped.join();
    }

    private ExternalPeer publish(String name, String room, String codec) {
        return pythonClient(name, "aiortc_client.py", "publish", room, codec, Integer.toString(UNTIL_KILLED_SECONDS));
    }

    private ExternalPeer play(String name, String room, int seconds) {
        return pythonClient(name, "aiortc_client.py", "play", room, Integer.toString(seconds));
    }
}
