package io.atrium.server.api;

import io.atrium.server.edge.ApiException;
import io.atrium.server.files.VideoFileService;
import io.atrium.server.recording.RecordingService;
import io.atrium.server.store.RecordingRow;
import io.atrium.server.store.RoomStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Recordings of a room (docs/RECORDING.md): {@code /v1/rooms/{uuid}/recordings} start (POST) and list,
 * {@code …/{recording_id}} get and delete, {@code …/{recording_id}/stop}. A finished recording lists its files,
 * which are video files of the room: downloaded with ranges from their signed {@code url}, listed under
 * {@code /v1/rooms/{uuid}/files} too.
 */
final class RecordingsApi {

    private final RecordingService recordings;
    private final VideoFileService files;
    private final RoomStore rooms;

    RecordingsApi(RecordingService recordings, VideoFileService files, RoomStore rooms) {
        this.recordings = recordings;
        this.files = files;
        this.rooms = rooms;
    }

    void routes(RoutesConfig r) {
        r.post("/v1/rooms/{uuid}/recordings", this::start);
        r.get("/v1/rooms/{uuid}/recordings", ctx -> {
            UUID room = room(ctx);
            ctx.json(Map.of("recordings", recordings.list(room).stream().map(this::describe).toList()));
        });
        r.get("/v1/rooms/{uuid}/recordings/{recording_id}", ctx -> {
            UUID room = room(ctx);
            ctx.json(Map.of("recording", describe(recordings.find(room, Requests.pathUuid(ctx, "recording_id")))));
        });
        r.post("/v1/rooms/{uuid}/recordings/{recording_id}/stop", ctx -> {
            UUID room = room(ctx);
            ctx.json(Map.of("recording", describe(recordings.stop(room, Requests.pathUuid(ctx, "recording_id")))));
        });
        r.delete("/v1/rooms/{uuid}/recordings/{recording_id}", ctx -> {
            UUID room = room(ctx);
            recordings.delete(room, Requests.pathUuid(ctx, "recording_id"));
            ctx.status(204);
        });
    }

    /**
     * {@code POST /v1/rooms/{uuid}/recordings} with an empty body or {@code {"composite"?}} → 201 {@code {recording}};
     * {@code composite: true} also makes one video of the meeting when it stops.
     */
    private void start(Context ctx) {
        UUID room = room(ctx);
        boolean composite = !ctx.body().isBlank() && Requests.body(ctx).only("composite").bool("composite", false);
        ctx.status(201).json(Map.of("recording", describe(recordings.start(room, composite))));
    }

    private Map<String, Object> describe(RecordingRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recording_id", r.id().toString());
        m.put("room", r.room().toString());
        m.put("state", r.state());
        m.put("composite", r.composite());
        m.put("composite_progress", recordings.compositeProgress(r.id()).orElse(null));
        m.put("started_at", r.startedAt().toString());
        m.put("stopped_at", r.stoppedAt() == null ? null : r.stoppedAt().toString());
        m.put("finished_at", r.finishedAt() == null ? null : r.finishedAt().toString());
        m.put("error", r.error());
        m.put("files", recordings.files(r).stream().map(files::describe).toList());
        return m;
    }

    private UUID room(Context ctx) {
        UUID room = Requests.pathUuid(ctx, "uuid");
        rooms.find(room).orElseThrow(() -> ApiException.notFound("no room " + room));
        return room;
    }
}
