package io.atrium.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.recording.Composer.Input;
import io.atrium.server.recording.Composer.Tile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The composite's layout as a table: cameras share a grid sized for all of them; a screen share takes the left
 * 960x720 and the cameras a column on the right; audio gets no tile. And the command places each track at its
 * recorded start: video by its presentation time, audio by a delay, all audio mixed.
 */
class ComposerTest {

    static Input camera(long start) {
        return new Input(Path.of("cam.webm"), false, false, start);
    }

    static Input screen(long start) {
        return new Input(Path.of("screen.webm"), false, true, start);
    }

    static Input audio(long start) {
        return new Input(Path.of("mic.webm"), true, false, start);
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
    void eachTrackStartsWhenItWasRecorded() {
        List<String> cmd = new Composer("ffmpeg").command(List.of(camera(0), audio(250), screen(2000), audio(1500)), 12.5,
                Path.of("out.mp4"));
        String graph = cmd.get(cmd.indexOf("-filter_complex") + 1);
        assertThat(graph).startsWith("color=c=black:s=1280x720:r=25:d=12.500[base]")
                .contains("[0:v]setpts=PTS-STARTPTS+0.000/TB,scale=320:240")
                .contains("[2:v]setpts=PTS-STARTPTS+2.000/TB,scale=960:720")
                .contains("[1:a]adelay=250:all=1[a1]").contains("[3:a]adelay=1500:all=1[a3]")
                .contains("[a1][a3]amix=inputs=2:duration=longest:normalize=0[aout]");
        assertThat(cmd).containsSequence("-t", "12.500").containsSequence("-map", "[aout]").endsWith("out.mp4");
    }
}
