package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.ExternalPeer;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the interop tests (GStreamer, aiortc, libdatachannel, werift; docs/INTEROP.md) share. */
public final class Interop {
    public static final Duration CONNECT = Duration.ofSeconds(20);

    private Interop() {
    }

    /** A Python harness script ({@code src/test/resources/interop/<script>}) run with Debian's python3. */
    public static ExternalPeer python(String name, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", ExternalPeer.script(script).toString()));
        command.addAll(List.of(args));
        return ExternalPeer.start(name, command, Path.of("."));
    }

    /** The room's first publisher in {@code GET /v1/rooms/{room}/media}. */
    public static JsonNode publisher(TestServer server, String room) {
        return server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers/0");
    }

    /** Waits until the room's media stats show a {@code codec} track whose layer announced 320x240. */
    public static void waitForSize320x240(TestServer server, String room, String codec) {
        Waits.waitUntil(() -> {
            for (JsonNode track : publisher(server, room).path("tracks")) {
                JsonNode layer = track.at("/layers/0");
                if (track.path("codec").asText().equalsIgnoreCase(codec) && layer.path("width").asInt() == 320
                        && layer.path("height").asInt() == 240) {
                    return true;
                }
            }
            return false;
        }, codec + " frame size 320x240 in the room's media stats");
    }

    /**
     * Waits for a player to show its first frame and end by itself after {@code seconds}, connected; checks
     * its video frames and audio (buffers, frames or packets, as the stack counts them) and prints a line for
     * docs/INTEROP.md.
     */
    static void assertPlayed(ExternalPeer player, int seconds, int minFramesPerSecond) {
        JsonNode first = player.await("first-frame", CONNECT);
        assertThat(player.waitForExit(Duration.ofSeconds(seconds + 20))).as(player + " exit").isZero();
        JsonNode done = player.await("done", Duration.ZERO);
        System.out.printf("interop: %s first frame after %d ms, %d frames in %d s: %s%n", player, first.path("ms").asLong(),
                done.path("frames").asInt(), seconds, done);
        assertThat(done.path("frames").asInt()).as(player + " video frames").isGreaterThan(minFramesPerSecond * seconds);
        int audio = done.path("audio_buffers").asInt() + done.path("audio_frames").asInt() + done.path("audio_packets").asInt();
        assertThat(audio).as(player + " audio").isGreaterThan(10 * seconds);
    }

    /** Waits for a publisher to end by itself, still connected. */
    static void assertPublishedToTheEnd(ExternalPeer publisher, int seconds) {
        assertThat(publisher.waitForExit(Duration.ofSeconds(seconds + 20))).as(publisher + " exit").isZero();
        assertThat(publisher.await("done", Duration.ZERO).path("state").asText()).as(publisher + " at the end")
                .isEqualTo("connected");
    }
}
