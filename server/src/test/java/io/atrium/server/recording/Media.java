package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.edge.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** ffprobe and ffmpeg over a media file, as the recording tests check what they made. */
final class Media {
    private Media() {
    }

    /** ffprobe's streams and format of {@code file}, with counted frames. */
    static JsonNode probe(Path file) {
        String out = run(List.of("ffprobe", "-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json",
                file.toString()));
        try {
            return Json.MAPPER.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("ffprobe printed no JSON: " + out, e);
        }
    }

    /** Decodes the whole file; asserts that ffmpeg reports no error. */
    static void assertDecodesCleanly(Path file) {
        assertThat(run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", file.toString(), "-f", "null", "-")).strip())
                .as("ffmpeg errors decoding %s", file).isEmpty();
    }

    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("%s exit; output: %s", command, out).isZero();
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
