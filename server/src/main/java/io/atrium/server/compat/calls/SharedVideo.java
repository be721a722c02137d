package io.atrium.server.compat.calls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.atrium.server.room.Params;
import io.atrium.server.room.RpcException;
import io.atrium.server.room.SharedPlayer;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * A shared video file played in sync (contract 003, docs/CONTRACTS.md): {@code video_control
 * {action: play|pause|seek, file_id, url?, position?}} stamps the playback (file, url, playing, position
 * in seconds at {@code at}, epoch ms), keeps it and tells everyone (refused with 503 before anything changes when it
 * could not be kept); {@code get_video_state} answers the last
 * stamp. The room runs it as its {@link SharedPlayer} (one per live room, on the room's executor); the stamp is
 * kept in the room's {@link SharedPlayer.Playback}, so a room placed on another node after its node died plays on
 * from it (docs/SCALING.md).
 */
public final class SharedVideo implements SharedPlayer {

    /** Every live room's player. */
    public static final SharedPlayer.Factory FACTORY = SharedVideo::new;

    private final BiConsumer<String, Object> broadcast;
    private final Clock clock;
    /** The playback: file, url, playing, position (s) at {@code at} (epoch ms); empty before any. */
    private final Playback kept;

    SharedVideo(BiConsumer<String, Object> broadcast, Clock clock, Playback kept) {
        this.broadcast = broadcast;
        this.clock = clock;
        this.kept = kept;
    }

    @Override
    public CompletionStage<Object> state() {
        return kept.read().thenApply(playback -> playback.<Object>map(v -> v).orElse(Map.of()));
    }

    @Override
    public Object control(Params p) {
        String action = p.required("action", 16);
        if (!action.equals("play") && !action.equals("pause") && !action.equals("seek")) {
            throw RpcException.invalid("action");
        }
        String fileId = p.required("file_id", 64);
        Optional<String> url = p.string("url", 2048);
        kept.keepable(); // refused whole (nothing changed, nobody told) when the stamp could not be kept
        return kept.read().thenCompose(playback -> stamp(p, action, fileId, url,
                playback.filter(v -> fileId.equals(v.path("file_id").asText())).orElse(null)));
    }

    /** Stamps the playback from {@code video}, the kept one if it is of the same file; on the room's executor. */
    private CompletionStage<Object> stamp(Params p, String action, String fileId, Optional<String> url, JsonNode video) {
        if (video == null && url.isEmpty()) {
            throw RpcException.invalid("url");
        }
        long now = clock.millis();
        boolean wasPlaying = video != null && video.path("playing").asBoolean();
        double current = video == null ? 0 : video.path("position").asDouble()
                + (wasPlaying ? (now - video.path("at").asLong()) / 1000.0 : 0);
        double position = p.decimal("position", 0, 86_400, current);
        ObjectNode state = JsonNodeFactory.instance.objectNode()
                .put("file_id", fileId)
                .put("url", url.orElseGet(() -> video.path("url").asText()))
                .put("action", action)
                .put("playing", action.equals("play") || action.equals("seek") && wasPlaying)
                .put("position", position)
                .put("at", now);
        CompletionStage<Void> written = kept.write(state);
        broadcast.accept("video_control", state);
        return written.<Object>thenApply(done -> Map.of());
    }
}
