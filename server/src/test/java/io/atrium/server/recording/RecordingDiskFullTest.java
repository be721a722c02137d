package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the recordings directory is a 16 KiB tmpfs, so a member's Opus track fills it within seconds. That
 * track's recording stops with the operating system's reason (metric, and the recording's error once it ends); the
 * meeting goes on: the other member keeps receiving the voice after the disk filled. Needs root (mount); skipped
 * without it.
 */
class RecordingDiskFullTest {

    @TempDir
    Path data;
    @org.junit.jupiter.api.extension.RegisterExtension
    final Closer open = new Closer();
    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            // lazily: the server (closed after this by the Closer) still holds files there
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void aFullDiskStopsTheTrackWithItsReasonAndTheMeetingGoesOn() throws Exception {
        mount = Files.createDirectories(data.resolve("recordings"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16k", "atrium-full", mount.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean mounted = p.waitFor() == 0;
        if (!mounted) {
            mount = null;
        }
        assumeTrue(mounted, "mount a tmpfs (needs root): " + out);

        TestServer server = open.track(TestServer.start(Scrapes.withToken(TestServer.config(Db.H2, data))));
        String room = server.createRoom("full");
        RpcClient ann = open.track(RpcClient.connect(server));
        JavaPeer annPeer = open.track(new JavaPeer());
        annPeer.connect(ann.call("join_room", Map.of("sdp", annPeer.offer(true), "auth_token",
                server.token(room, "\"identity\": \"ann\""), "audio_muted", false)).get("sdp").asText());
        RpcClient ben = open.track(RpcClient.connect(server));
        JavaPeer benPeer = open.track(new JavaPeer());
        ben.call("join_room", Map.of("sdp", benPeer.offer(true), "auth_token", server.token(room, "\"identity\": \"ben\"")));
        JavaPeer benHears = open.track(new JavaPeer());
        benHears.connect(ben.call("subscribe_room", Map.of("sdp", benHears.offer(false), "members",
                List.of(Map.of("id", "ann", "video_mid", "1", "width", 320, "height", 240)))).get("sdp").asText());

        String id = server.post("/v1/rooms/" + room + "/recordings", "").json().at("/recording/recording_id").asText();
        Media.Tone tone = new Media.Tone(annPeer);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Scrapes.value(Scrapes.scrape(server), "atrium_recording_failed_tracks_total") < 1) {
            assertThat(System.nanoTime()).as("the 16 KiB disk filled within 60 s of tone").isLessThan(deadline);
            tone.send(50); // one second
        }

        int heardBefore = audioPackets(benHears);
        tone.send(100);
        Waits.waitUntil(() -> audioPackets(benHears) >= heardBefore + 50, "ann's voice still reaches ben after the disk filled");
        assertThat(server.get("/v1/rooms/" + room).status()).isEqualTo(200);

        assertThat(server.post("/v1/rooms/" + room + "/recordings/" + id + "/stop", "").status()).isEqualTo(200);
        Waits.waitUntil(() -> !server.get("/v1/rooms/" + room + "/recordings/" + id).json().at("/recording/state").asText()
                .matches("recording|finishing"), "the recording ended", Duration.ofMinutes(1));
        JsonNode recording = server.get("/v1/rooms/" + room + "/recordings/" + id).json().get("recording");
        assertThat(recording.path("error").asText()).as(recording.toString()).contains("No space left on device");
    }

    private static int audioPackets(JavaPeer peer) {
        return (int) peer.rtp.stream().filter(b -> (b[1] & 0x7f) == JavaPeer.OPUS_PT).count();
    }
}
