package io.atrium.server.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.auth.Grants.Source;
import io.atrium.server.sfu.MediaKind;
import io.atrium.server.sfu.TrackInfo;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one track→grant rule of every way into media (join_room, WHIP; next SIP legs), as a table. */
class MediaDoorTest {

    record Case(String name, List<MediaKind> offer, List<Source> want) {
    }

    static final List<Case> CASES = List.of(
            new Case("audio only", kinds(MediaKind.AUDIO), List.of(Source.MICROPHONE)),
            new Case("video only", kinds(MediaKind.VIDEO), List.of(Source.CAMERA)),
            new Case("audio + camera", kinds(MediaKind.AUDIO, MediaKind.VIDEO), List.of(Source.MICROPHONE, Source.CAMERA)),
            new Case("camera first, then audio", kinds(MediaKind.VIDEO, MediaKind.AUDIO), List.of(Source.CAMERA, Source.MICROPHONE)),
            new Case("a second video is the screen", kinds(MediaKind.AUDIO, MediaKind.VIDEO, MediaKind.VIDEO),
                    List.of(Source.MICROPHONE, Source.CAMERA, Source.SCREEN)),
            new Case("every further video is the screen", kinds(MediaKind.VIDEO, MediaKind.VIDEO, MediaKind.VIDEO),
                    List.of(Source.CAMERA, Source.SCREEN, Source.SCREEN)),
            new Case("nothing", kinds(), List.of()));

    @Test
    void eachTrackNeedsTheSourceOfItsKindAndPlace() {
        for (Case c : CASES) {
            assertThat(MediaDoor.sources(c.offer().stream().map(MediaDoorTest::track).toList())).as(c.name()).isEqualTo(c.want());
        }
    }

    private static List<MediaKind> kinds(MediaKind... kinds) {
        return Arrays.asList(kinds);
    }

    private static TrackInfo track(MediaKind kind) {
        return new TrackInfo("t", kind, "0", kind == MediaKind.AUDIO ? "opus" : "VP8", kind == MediaKind.AUDIO ? 48000 : 90000,
                96, -1, List.of(), List.of(1L), List.of(0L), 0, 0, 0, 0, 0);
    }
}
