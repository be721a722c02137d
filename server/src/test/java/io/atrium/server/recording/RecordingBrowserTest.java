package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import io.atrium.server.testing.Chromium;
import org.junit.jupiter.api.parallel.Isolated;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.ToneWav;
import io.atrium.server.testing.Waits;
import io.atrium.server.web.Participant;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Chromium meeting recorded as the issue describes it: two people in the web app (fake camera; each microphone a
 * tone of its own, 500 Hz and 800 Hz), one of them sharing a screen, recorded with a composite for about 10 s.
 * Every track file decodes cleanly and lasts as long as the recording (a video until its last frame: a loaded
 * browser can send its screen seldom); each Opus track carries its speaker's tone;
 * the composite is 1280x720 H.264 + AAC of the recording's length, and its audio mixes both tones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Isolated
class RecordingBrowserTest {
    private static final double ANN_TONE = 500;
    private static final double BOB_TONE = 800;
    private static final long RECORD_MILLIS = 10_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;
    private TestServer server;
    private final List<Participant> people = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        server = TestServer.start(Db.H2);
    }

    @AfterAll
    void stop() {
        people.forEach(Participant::close);
        server.close();
    }

    /** {@code name} on the prejoin screen of {@code room}, with a microphone playing {@code tone}. */
    private Participant open(String name, String room, double tone, boolean host) throws IOException {
        Path wav = ToneWav.write(Files.createTempDirectory("atrium-rec-tone-").resolve(name + ".wav"), tone);
        Browser browser = Chromium.browser(List.of("--use-file-for-fake-audio-capture=" + wav));
        Participant p = Participant.open(server, name, "/room.html?room=" + room + (host ? "&host=1" : ""), host,
                Chromium.newPage(name, new Browser.NewContextOptions(), browser));
        people.add(p);
        return p;
    }

    @Test
    void aMeetingWithAScreenShareIsRecordedIntoTracksAndAComposite() throws Exception {
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"recorded\",\"open\":true}}").json().at("/room/uuid").asText();
        Participant ann = open("Ann", room, ANN_TONE, true);
        Participant bob = open("Bob", room, BOB_TONE, false);
        Participant.joinTogether(List.of(ann, bob), "Ann", "Bob");
        String annId = ann.callId();
        Participant.seeEachOther(List.of(ann, bob));
        ann.page.locator("#screen").click();
        bob.waitForGrowth(annId, "screen", "framesDecoded", 5, Participant.MEDIA);

        var started = server.post("/v1/rooms/" + room + "/recordings", "{\"composite\": true}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = started.json().at("/recording/recording_id").asText();
        String bobId = bob.callId();
        long from = System.nanoTime();
        // the length of the recording, not a wait for something; meanwhile, when the pages last decoded a new frame
        // of each video (a loaded browser can send its screen seldom, and a file cannot last past its last frame)
        Watched videos = watchVideos(List.of(
                () -> bob.count(annId, "video", "framesDecoded"),
                () -> bob.count(annId, "screen", "framesDecoded"),
                () -> ann.count(bobId, "video", "framesDecoded")), from, from + RECORD_MILLIS * 1_000_000);
        assertThat(server.post("/v1/rooms/" + room + "/recordings/" + id + "/stop", "").status()).isEqualTo(200);
        double recorded = (System.nanoTime() - from) / 1e9;

        Waits.waitUntil(() -> !server.get("/v1/rooms/" + room + "/recordings/" + id).json().at("/recording/state").asText()
                .equals("finishing"), "the recording and its composite finished", Duration.ofMinutes(3));
        JsonNode recording = server.get("/v1/rooms/" + room + "/recordings/" + id).json().get("recording");
        assertThat(recording.path("state").asText()).as(recording.toString()).isEqualTo("ready");
        assertThat(recording.path("error").isNull()).as(recording.toString()).isTrue();

        // the files are read by ffmpeg two at a time (2 cores), then checked one after the other
        List<Path> files = new ArrayList<>();
        for (JsonNode file : recording.path("files")) {
            files.add(download(file));
        }
        List<Read> read = files.parallelStream().map(Read::of).toList();

        Set<Double> tones = new TreeSet<>();
        int videoFiles = 0;
        int composites = 0;
        for (Read r : read) {
            JsonNode probe = r.probe();
            double duration = probe.at("/format/duration").asDouble();
            if (r.file().getFileName().toString().equals("composite.mp4")) {
                composites++;
                assertThat(probe.at("/streams/0/codec_name").asText()).isEqualTo("h264");
                assertThat(probe.at("/streams/0/width").asInt()).isEqualTo(1280);
                assertThat(probe.at("/streams/0/height").asInt()).isEqualTo(720);
                assertThat(probe.at("/streams/1/codec_name").asText()).isEqualTo("aac");
                assertThat(duration).as("the composite lasts as long as the recording").isBetween(recorded - 1.5, recorded + 2);
                short[] mix = r.pcm();
                assertThat(Media.tonePresence(mix, ANN_TONE)).as("Ann's tone in the mix").isGreaterThan(0.5);
                assertThat(Media.tonePresence(mix, BOB_TONE)).as("Bob's tone in the mix").isGreaterThan(0.5);
                continue;
            }
            String codec = probe.at("/streams/0/codec_name").asText();
            double until = codec.equals("opus") ? recorded : videos.until();
            assertThat(duration).as("%s lasts as long as it was recorded (%.1f s; %s)", r.file().getFileName(), recorded, videos)
                    .isBetween(until - 2, recorded + 4);
            if (codec.equals("opus")) {
                short[] voice = r.pcm();
                tones.add(Media.tonePresence(voice, ANN_TONE) > 0.5 ? ANN_TONE : Media.tonePresence(voice, BOB_TONE) > 0.5 ? BOB_TONE : -1);
            } else {
                assertThat(codec).isEqualTo("vp8");
                assertThat(probe.at("/streams/0/nb_read_frames").asLong()).as("frames of %s", r.file().getFileName())
                        .isGreaterThan((long) Math.min(recorded * 5, videos.fewestFrames() / 2.0));
                videoFiles++;
            }
        }
        assertThat(tones).as("each voice track carries its speaker's tone").containsExactly(ANN_TONE, BOB_TONE);
        assertThat(videoFiles).as("two cameras and a screen").isEqualTo(3);
        assertThat(composites).isEqualTo(1);
    }

    /**
     * What the pages decoded while recording: every video got new frames until {@code until} seconds into the
     * recording, and the one with the fewest got {@code fewestFrames}.
     */
    private record Watched(double until, long fewestFrames) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "every video decoded until %.1f s, the sparsest %d frames", until, fewestFrames);
        }
    }

    /** Polls the pages' frame {@code counters} from {@code from} until {@code end} (System.nanoTime). */
    private static Watched watchVideos(List<LongSupplier> counters, long from, long end) {
        long[] first = counters.stream().mapToLong(LongSupplier::getAsLong).toArray();
        long[] last = first.clone();
        long[] grewAt = new long[last.length];
        Arrays.fill(grewAt, from);
        while (System.nanoTime() < end) {
            Waits.sleep(Math.min(500, Math.max(0, (end - System.nanoTime()) / 1_000_000)));
            for (int i = 0; i < last.length; i++) {
                long now = counters.get(i).getAsLong();
                if (now != last[i]) {
                    last[i] = now;
                    grewAt[i] = System.nanoTime();
                }
            }
        }
        long fewest = Long.MAX_VALUE;
        for (int i = 0; i < last.length; i++) {
            fewest = Math.min(fewest, last[i] - first[i]);
        }
        return new Watched((Arrays.stream(grewAt).min().orElse(end) - from) / 1e9, fewest);
    }

    /** A recorded file as ffmpeg reads it: ffprobe's report, checked to decode without an error, and its audio. */
    private record Read(Path file, JsonNode probe, short[] pcm) {
        static Read of(Path file) {
            JsonNode probe = Media.probe(file);
            Media.assertDecodesCleanly(file);
            boolean audio = probe.path("streams").findValuesAsText("codec_type").contains("audio");
            return new Read(file, probe, audio ? Media.pcm(file) : null);
        }
    }

    private Path download(JsonNode file) throws IOException, InterruptedException {
        Path local = tmp.resolve(file.path("filename").asText());
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(server.uri(file.path("url").asText())).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (InputStream in = r.body()) {
            Files.copy(in, local);
        }
        return local;
    }
}
