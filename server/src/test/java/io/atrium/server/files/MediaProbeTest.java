package io.atrium.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaProbeTest {

    /** Durations as ffprobe reported them when the clips were made (media/README.md). */
    @ParameterizedTest
    @CsvSource({
            "clip-h264-aac.mp4,         MP4,       2.000",
            "clip-mpeg4-faststart.mov,  QUICKTIME, 2.000",
            "clip-vp8-opus.webm,        WEBM,      2.008",
            "clip-vp9.mkv,              MATROSKA,  2.534",
            "clip-fragmented.mp4,       MP4,       2.000",
    })
    void realClipsHaveTheirContainerAndTheDurationFfprobeReported(String name, Container container, double seconds) throws Exception {
        MediaInfo info = MediaProbe.probe(ByteSource.of(Media.bytes(name)));
        assertThat(info.container()).isEqualTo(container);
        assertThat(info.durationSeconds()).isCloseTo(seconds, within(0.0005));
    }

    @ParameterizedTest
    @CsvSource({"clip-live.webm"})
    void aLiveRecordingWithoutDurationIsMeasuredFromItsLastBlock(String name) throws Exception {
        // ffprobe: duration N/A; 30 frames at 15 fps, the last one at 29/15 s
        MediaInfo info = MediaProbe.probe(ByteSource.of(Media.bytes(name)));
        assertThat(info.container()).isEqualTo(Container.WEBM);
        assertThat(info.durationSeconds()).isCloseTo(29 / 15.0, within(0.002));
    }

    /** Files whose boxes and elements all have sizes: any cut is detected. */
    @ParameterizedTest
    @CsvSource({"clip-h264-aac.mp4", "clip-mpeg4-faststart.mov", "clip-vp8-opus.webm", "clip-vp9.mkv"})
    void everyTruncationOfAClipWithKnownSizesIsRefused(String name) {
        byte[] clip = Media.bytes(name);
        for (int cut = 0; cut < clip.length; cut += 1 + cut % 97) {
            byte[] truncated = Arrays.copyOf(clip, cut);
            int at = cut;
            assertThatThrownBy(() -> MediaProbe.probe(ByteSource.of(truncated))).as("%s cut at %d", name, at)
                    .isInstanceOf(MediaFormatException.class);
        }
        assertThatThrownBy(() -> MediaProbe.probe(ByteSource.of(Arrays.copyOf(clip, clip.length - 100))))
                .isInstanceOf(MediaFormatException.class).hasMessageContaining("truncated");
    }

    /** Live files (fragments, unknown sizes) may be valid when cut between fragments; never an exception. */
    @ParameterizedTest
    @CsvSource({"clip-fragmented.mp4", "clip-live.webm"})
    void everyTruncationOfALiveClipIsRefusedOrValid(String name) throws Exception {
        byte[] clip = Media.bytes(name);
        for (int cut = 0; cut < clip.length; cut += 1 + cut % 97) {
            try {
                MediaInfo info = MediaProbe.probe(ByteSource.of(Arrays.copyOf(clip, cut)));
                assertThat(info.durationSeconds()).isPositive().isLessThanOrEqualTo(2.0);
            } catch (MediaFormatException expected) {
                // refused, as it should be when the cut breaks a structure
            }
        }
    }
}
