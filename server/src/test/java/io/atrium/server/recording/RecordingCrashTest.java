package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.edge.Json;
import io.atrium.server.testing.ChildServer;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Waits;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL while recording: a real Atrium JVM records a member's 3 s Opus tone; once the track file on disk
 * holds every packet (flushed each second), the server is killed without shutdown. Started again over the same
 * data directory, it finishes the recording from what was written: ready, with one Opus WebM of about 3 s that
 * decodes cleanly, and an error saying the server stopped while recording.
 */
class RecordingCrashTest {
    private static final int PACKETS = 150;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;
    @TempDir
    Path tmp;
    @RegisterExtension
    final Closer open = new Closer();

    @Test
    void aKilledServerFinishesWhatWasWrittenOnRestart() throws Exception {
        String room;
        long written;
        try (ChildServer server = ChildServer.start(dataDir)) {
            room = call(server.uri("/v1/rooms"), "POST", "{\"room\": {\"name\": \"crash\", \"open\": true, \"record\": true}}")
                    .at("/room/uuid").asText();
            RpcClient member = open.track(new RpcClient(URI.create("ws://127.0.0.1:" + server.port() + "/v1/rtc")));
            String token = member.call("authenticate", Map.of("room", room, "call_id", "ada-1", "display_name", "Ada"))
                    .get("auth_token").asText();
            JavaPeer peer = open.track(new JavaPeer());
            peer.connect(member.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token,
                    "audio_muted", false, "video_muted", false)).get("sdp").asText());
            Waits.waitUntil(() -> audioTrackFile() != null, "the audio track file exists");
            Media.sendTone(peer, PACKETS);
            // every packet, or (when the network lost one on the way in) what the file holds once two flushes added nothing
            long[] seen = {-1, System.nanoTime()};
            Waits.waitUntil(() -> {
                long n = records(audioTrackFile());
                if (n != seen[0]) {
                    seen[0] = n;
                    seen[1] = System.nanoTime();
                }
                return n >= PACKETS || n >= PACKETS - 5 && System.nanoTime() - seen[1] > 2_500_000_000L;
            }, "the packets flushed to the track file", Duration.ofSeconds(30));
            written = seen[0];
            server.kill();
        }
        try (ChildServer again = ChildServer.start(dataDir)) {
            URI list = again.uri("/v1/rooms/" + room + "/recordings");
            Waits.waitUntil(() -> call(list, "GET", null).at("/recordings/0/state").asText().equals("ready"),
                    "the restarted server finished the recording", Duration.ofMinutes(3));
            JsonNode recording = call(list, "GET", null).at("/recordings/0");
            assertThat(recording.path("error").asText()).contains("the server stopped while recording");
            assertThat(recording.path("files")).hasSize(1);
            Path local = tmp.resolve("audio.webm");
            HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(again.uri(recording.at("/files/0/url").asText()))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                Files.copy(in, local);
            }
            JsonNode probe = Media.probe(local);
            assertThat(probe.at("/streams/0/codec_name").asText()).isEqualTo("opus");
            assertThat(probe.at("/streams/0/nb_read_frames").asLong()).as("every record written before the kill").isEqualTo(written);
            assertThat(probe.at("/format/duration").asDouble()).isBetween(2.8, 3.3);
            Media.assertDecodesCleanly(local);
        }
    }

    /** The recording's audio track file, or null before it exists. */
    private Path audioTrackFile() {
        Path dir = dataDir.resolve("recordings");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("\\d+-audio-.*\\.atrk")).findFirst().orElse(null);
        } catch (IOException e) {
            return null; // the directory is being written; ask again
        }
    }

    /** Whole records in a track file as it is on disk now. */
    private static long records(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            TrackFile.Reader reader = new TrackFile.Reader(in);
            long n = 0;
            while (reader.next()) {
                n++;
            }
            return n;
        } catch (IOException e) {
            return 0; // the header is not flushed yet
        }
    }

    private static JsonNode call(URI uri, String method, String body) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", ChildServer.BASIC)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
