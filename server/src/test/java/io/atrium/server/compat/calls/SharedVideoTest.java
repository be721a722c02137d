package io.atrium.server.compat.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.atrium.server.room.Params;
import io.atrium.server.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Contract 003's synced player on a fake clock: each {@code video_control} stamps where the video is and tells the room. */
class SharedVideoTest {

    final ManualClock clock = new ManualClock(1_000_000);
    final List<String> heard = new ArrayList<>();

    static Params params(String json) {
        try {
            return new Params(new ObjectMapper().readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void theSharedVideoIsStampedWithTheClock() {
        SharedVideo video = new SharedVideo((method, params) -> heard.add(method + " " + params), clock);
        assertThat(video.state()).isEqualTo(Map.of());
        video.control(params("{\"action\":\"play\",\"file_id\":\"f1\",\"url\":\"/v/f1\",\"position\":10}"));
        clock.advance(2500);
        video.control(params("{\"action\":\"pause\",\"file_id\":\"f1\"}")); // where it is now: 10 + 2.5 s
        assertThat(video.state()).isEqualTo(Map.of("file_id", "f1", "url", "/v/f1", "action", "pause", "playing", false,
                "position", 12.5, "at", 1_002_500L));
        clock.advance(60_000);
        video.control(params("{\"action\":\"seek\",\"file_id\":\"f1\",\"position\":30}")); // a paused seek stays paused
        assertThat(((Map<?, ?>) video.state()).get("playing")).isEqualTo(false);
        video.control(params("{\"action\":\"play\",\"file_id\":\"f1\"}"));
        clock.advance(1000);
        video.control(params("{\"action\":\"seek\",\"file_id\":\"f1\",\"position\":5}")); // a playing seek plays on
        assertThat(((Map<?, ?>) video.state()).get("playing")).isEqualTo(true);
        assertThat(((Map<?, ?>) video.state()).get("position")).isEqualTo(5.0);
        assertThat(heard).filteredOn(h -> h.startsWith("video_control ")).hasSize(5);
        assertThatThrownBy(() -> video.control(params("{\"action\":\"play\",\"file_id\":\"f2\"}"))).hasMessage("invalid request: url");
        assertThatThrownBy(() -> video.control(params("{\"action\":\"rewind\",\"file_id\":\"f1\"}"))).hasMessage("invalid request: action");
    }
}
