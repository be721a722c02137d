package io.atrium.server.api;

import io.atrium.server.edge.ApiException;
import io.atrium.server.files.FileException;
import io.atrium.server.files.FileUrls;
import io.atrium.server.files.VideoFileService;
import io.atrium.server.store.RoomStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.UUID;

/**
 * Shared video files of a room in the native API: {@code /v1/rooms/{uuid}/files} (API credentials)
 * to upload, list, read and delete, and {@code /files/{file_id}} for playback (a signed URL, an
 * access token of the room, or API credentials). Contract 003's {@code /api/video-call} facade
 * uses the same {@link VideoFileService}.
 */
final class FilesApi {

    private final VideoFileService files;
    private final RoomStore rooms;

    FilesApi(VideoFileService files, RoomStore rooms) {
        this.files = files;
        this.rooms = rooms;
    }

    void routes(RoutesConfig r) {
        r.post("/v1/rooms/{uuid}/files", this::upload);
        r.get("/v1/rooms/{uuid}/files", ctx -> {
            UUID room = room(ctx);
            ctx.json(Map.of("files", files.list(room).stream().map(files::describe).toList()));
        });
        r.get("/v1/rooms/{uuid}/files/{file_id}", ctx -> {
            UUID room = room(ctx);
            var file = files.find(Requests.pathUuid(ctx, "file_id")).filter(f -> f.room().equals(room))
                    .orElseThrow(() -> ApiException.notFound("no such file in this room"));
            ctx.json(Map.of("file", files.describe(file)));
        });
        r.delete("/v1/rooms/{uuid}/files/{file_id}", ctx -> {
            UUID room = room(ctx);
            if (!files.delete(room, Requests.pathUuid(ctx, "file_id"))) {
                throw ApiException.notFound("no such file in this room");
            }
            ctx.status(204);
        });
        r.get(FileUrls.PATH_PREFIX + "{file_id}", ctx -> files.serve(ctx, fileId(ctx)));
        r.head(FileUrls.PATH_PREFIX + "{file_id}", ctx -> files.serve(ctx, fileId(ctx)));
    }

    private void upload(Context ctx) {
        UUID room = room(ctx);
        String uploadedBy = ctx.queryParam("uploaded_by");
        if (uploadedBy == null) {
            uploadedBy = "api:" + ctx.attribute(RestApi.API_KEY_ATTRIBUTE);
        }
        ctx.status(201).json(Map.of("file", files.describe(files.upload(ctx, room, uploadedBy))));
    }

    private UUID room(Context ctx) {
        UUID room = Requests.pathUuid(ctx, "uuid");
        rooms.find(room).orElseThrow(() -> ApiException.notFound("no room " + room));
        return room;
    }

    private static UUID fileId(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("file_id"));
        } catch (IllegalArgumentException e) {
            throw new FileException(FileException.Kind.NOT_FOUND, "no such file");
        }
    }
}
