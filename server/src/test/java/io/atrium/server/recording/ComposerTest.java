package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.recording.Composer.Input;
import io.atrium.server.recording.Composer.Placement;
import io.atrium.server.recording.Composer.Tile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The composite's layout as a table: cameras share a grid sized for all of them; a screen share takes the left
 * 960x720 and the cameras a column on the right; audio gets no tile. The layout re-flows as people start and stop
 * publishing. And the command places each track at its recorded start: video by its presentation time, shown in
 * each tile only while it holds it; audio by a delay, all audio mixed.
 */
class ComposerTest {

    static final long END = 10_000;

    static Input camera(long start) {
        return camera(start, END);
    }

    static Input camera(long start, long end) {
        return new Input(Path.of("cam.webm"), false, false, start, end);
    }

    static Input screen(long start) {
        return screen(start, END);
    }

    static Input screen(long start, long end) {
        return new Input(Path.of("screen.webm"), false, true, start, end);
    }

    static Input audio(long start) {
        return new Input(Path.of("mic.webm"), true, false, start, END);
    }

    record Case(String name, List<Input> inputs, List<Tile> tiles) {
    }

    static final Case[] CASES = {
        new Case("one camera fills the frame", List.of(camera(0)), List.of(new Tile(0, 0, 1280, 720))),
        new Case("two cameras side by side", List.of(camera(0), audio(0), camera(500)),
                Arrays.asList(new Tile(0, 0, 640, 720), null, new Tile(640, 0, 640, 720))),
        new Case("three cameras in a 2x2 grid", List.of(camera(0), camera(0), camera(0)),
                List.of(new Tile(0, 0, 640, 360), new Tile(640, 0, 640, 360), new Tile(0, 360, 640, 360))),
        new Case("a screen share large, cameras on the right", List.of(camera(0), screen(2000), camera(0)),
                List.of(new Tile(960, 0, 320, 240), new Tile(0, 0, 960, 720), new Tile(960, 240, 320, 240))),
        new Case("audio only", List.of(audio(0)), Arrays.asList((Tile) null)),
    };

    @Test
    void layouts() {
        for (Case c : CASES) {
            assertThat(Composer.layout(c.inputs())).as(c.name()).isEqualTo(c.tiles());
        }
    }

    @Test
    void theLayoutFollowsWhoIsPublishing() {
        // Ann from the start, Bob joins at 4 s, Ann shares her screen from 6 s to 8 s, Bob leaves at 9 s
        List<Input> inputs = List.of(camera(0, 10_000), audio(0), camera(4_000, 9_000), screen(6_000, 8_000));
        Tile full = new Tile(0, 0, 1280, 720);
        Tile left = new Tile(0, 0, 640, 720);
        Tile right = new Tile(640, 0, 640, 720);
        Tile screen = new Tile(0, 0, 960, 720);
        assertThat(Composer.placements(inputs)).containsExactlyInAnyOrder(
                new Placement(0, full, 0, 4_000),
                new Placement(0, left, 4_000, 6_000),
                new Placement(2, right, 4_000, 6_000),
                new Placement(0, new Tile(960, 0, 320, 240), 6_000, 8_000),
                new Placement(2, new Tile(960, 240, 320, 240), 6_000, 8_000),
                new Placement(3, screen, 6_000, 8_000),
                new Placement(0, left, 8_000, 9_000),
                new Placement(2, right, 8_000, 9_000),
                new Placement(0, full, 9_000, 10_000));
        assertThat(Composer.placements(List.of(camera(0, 3_000), camera(0, 3_000))))
                .as("a layout that does not change is one placement per input")
                .containsExactly(new Placement(0, left, 0, 3_000), new Placement(1, right, 0, 3_000));
    }

    @Test
    void eachTrackStartsWhenItWasRecorded() {
        List<String> cmd = new Composer("ffmpeg").command(List.of(camera(0), audio(250), screen(2000), audio(1500)), 12.5,
                Path.of("out.mp4"));
        String graph = cmd.get(cmd.indexOf("-filter_complex") + 1);
        assertThat(graph).startsWith("color=c=black:s=1280x720:r=25:d=12.500[base]")
                .contains("[0:v]setpts=PTS-STARTPTS+0.000/TB,split=2[s0_0][s0_1]")
                .contains("[s0_0]scale=1280:720").contains("overlay=0:0:eof_action=pass:enable='between(t,0.000,2.000)'")
                .contains("[s0_1]scale=320:240").contains("overlay=960:0:eof_action=pass:enable='between(t,2.000,10.000)'")
                .contains("[2:v]setpts=PTS-STARTPTS+2.000/TB,split=1[s2_0]")
                .contains("[s2_0]scale=960:720")
                .contains("[1:a]adelay=250:all=1[a1]").contains("[3:a]adelay=1500:all=1[a3]")
                .contains("[a1][a3]amix=inputs=2:duration=longest:normalize=0[aout]");
        assertThat(cmd).containsSequence("-t", "12.500").containsSequence("-map", "[aout]").endsWith("out.mp4");
    }

    /**
     * ffmpeg itself: a red camera for 4 s and a blue one joining at 2 s. At 1 s red fills the middle of the frame;
     * at 3 s red is on the left and blue on the right.
     */
    @Test
    void ffmpegReflowsTheGridWhenSomeoneStartsPublishing(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path red = clip(tmp, "red", 4);
        Path blue = clip(tmp, "blue", 2);
        Path out = tmp.resolve("composite.mp4");
        new Composer("ffmpeg").compose(List.of(new Input(red, false, false, 0, 4_000), new Input(blue, false, false, 2_000, 4_000)),
                4, out, p -> { });
        assertThat(pixel(out, 1, 640, 360)).as("red alone, full frame").isEqualTo("red");
        assertThat(pixel(out, 3, 320, 360)).as("red on the left once blue came").isEqualTo("red");
        assertThat(pixel(out, 3, 960, 360)).as("blue on the right").isEqualTo("blue");
    }

    private static Path clip(Path dir, String color, int seconds) {
        Path file = dir.resolve(color + ".webm");
        Media.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "color=c=" + color + ":s=320x240:r=25:d=" + seconds,
                "-c:v", "libvpx", "-b:v", "200k", file.toString()));
        return file;
    }

    /** The colour name (red, blue, black) nearest to the pixel at {@code x, y} of the frame at {@code second}. */
    private static String pixel(Path video, double second, int x, int y) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-ss", Double.toString(second), "-i", video.toString(),
                "-frames:v", "1", "-vf", "crop=2:2:" + x + ":" + y, "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] rgb = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        assertThat(rgb).hasSize(12); // 2x2: the smallest crop of 4:2:0 video
        int r = rgb[0] & 0xFF;
        int b = rgb[2] & 0xFF;
        return r > 150 && b < 100 ? "red" : b > 150 && r < 100 ? "blue" : r < 40 && b < 40 ? "black" : "other " + r + "," + b;
    }
}
