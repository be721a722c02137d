package io.atrium.server.compat.calls;

import io.atrium.server.room.Params;
import io.atrium.server.room.RpcException;
import io.atrium.server.room.SharedPlayer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A shared video file played in sync (contract 003, docs/CONTRACTS.md): {@code video_control
 * {action: play|pause|seek, file_id, url?, position?}} stamps the playback (file, url, playing, position
 * in seconds at {@code at}, epoch ms) and tells everyone; {@code get_video_state} answers the last stamp.
 * The room runs it as its {@link SharedPlayer} (one per live room, on the room's executor).
 */
public final class SharedVideo implements SharedPlayer {

    /** Every live room's player. */
    public static final SharedPlayer.Factory FACTORY = SharedVideo::new;

    private final BiConsumer<String, Object> broadcast;
    private final Clock clock;
    /** The playback: file, url, playing, position (s) at {@code at} (epoch ms); null before any. */
    private Map<String, Object> video;

    SharedVideo(BiConsumer<String, Object> broadcast, Clock clock) {
        this.broadcast = broadcast;
        this.clock = clock;
    }

    @Override
    public Object state() {
        return video == null ? Map.of() : video;
    }

    @Override
    public Object control(Params p) {
        String action = p.required("action", 16);
        if (!action.equals("play") && !action.equals("pause") && !action.equals("seek")) {
            throw RpcException.invalid("action");
        }
        String fileId = p.required("file_id", 64);
        Optional<String> url = p.string("url", 2048);
        boolean sameFile = video != null && fileId.equals(video.get("file_id"));
        if (!sameFile && url.isEmpty()) {
            throw RpcException.invalid("url");
        }
        long now = clock.millis();
        double current = !sameFile ? 0 : (double) video.get("position")
                + (Boolean.TRUE.equals(video.get("playing")) ? (now - (long) video.get("at")) / 1000.0 : 0);
        double position = p.decimal("position", 0, 86_400, current);
        boolean playing = action.equals("play") || action.equals("seek") && sameFile && Boolean.TRUE.equals(video.get("playing"));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("file_id", fileId);
        state.put("url", url.orElseGet(() -> (String) video.get("url")));
        state.put("action", action);
        state.put("playing", playing);
        state.put("position", position);
        state.put("at", now);
        video = state;
        broadcast.accept("video_control", state);
        return Map.of();
    }
}
