package io.atrium.server.api;

import io.atrium.server.edge.ApiException;
import io.atrium.server.sfu.MediaStats;
import io.atrium.server.sfu.Shards;
import io.atrium.server.store.RoomStore;
import io.javalin.config.RoutesConfig;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** {@code GET /v1/rooms/{uuid}/media}: the media counters of a live room (empty when nobody is connected). */
final class MediaStatsApi {

    private final RoomStore rooms;
    private final Shards shards;

    MediaStatsApi(RoomStore rooms, Shards shards) {
        this.rooms = rooms;
        this.shards = shards;
    }

    void routes(RoutesConfig r) {
        r.get("/v1/rooms/{uuid}/media", ctx -> {
            UUID room = Requests.pathUuid(ctx, "uuid");
            rooms.find(room).orElseThrow(() -> ApiException.notFound("room not found"));
            MediaStats stats = shards.existing(room).isEmpty() ? new MediaStats(List.of(), List.of())
                    : shards.existing(room).get().stats().get(5, TimeUnit.SECONDS);
            ctx.json(Map.of("media", stats));
        });
    }
}
