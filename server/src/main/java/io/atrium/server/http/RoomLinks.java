package io.atrium.server.http;

import io.atrium.server.edge.ApiException;
import io.atrium.server.edge.AttemptGuard;
import io.atrium.server.edge.ClientAddress;
import io.atrium.server.store.Room;
import io.atrium.server.store.RoomStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Readable room links (docs/WEB.md): {@code GET /r/<slug>} is the meeting page, and
 * {@code GET /r/<slug or uuid>/info} tells that page which room a link names ({@code {room: {uuid,
 * slug, name}}}, 404 {@code room not found}) before it asks for camera and microphone. Slugs are
 * guessable, so lookups go through the facades' {@link AttemptGuard} (an unknown one is a wrong guess).
 */
final class RoomLinks {

    private static final String PAGE = "/public/room.html";

    private final RoomStore rooms;
    private final ClientAddress clients;
    private final AttemptGuard guard;
    private final byte[] page;

    RoomLinks(RoomStore rooms, ClientAddress clients, AttemptGuard guard) {
        this.rooms = rooms;
        this.clients = clients;
        this.guard = guard;
        try (InputStream in = RoomLinks.class.getResourceAsStream(PAGE)) {
            this.page = in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void routes(RoutesConfig r) {
        r.get("/r/{ref}", this::page);
        r.get("/r/{ref}/info", this::info);
    }

    private void page(Context ctx) {
        if (page == null) {
            throw ApiException.notFound("the web app is not on the class path");
        }
        WebPageHeaders.HEADERS.forEach(ctx::header);
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    private void info(Context ctx) {
        String client = clients.of(ctx);
        guard.admit(client);
        String ref = ctx.pathParam("ref");
        Room room = (ref.length() <= 64 ? rooms.findByLink(ref) : java.util.Optional.<Room>empty()).orElseThrow(() -> {
            guard.failed(client);
            return ApiException.notFound("room not found");
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uuid", room.uuid());
        out.put("slug", room.slug());
        out.put("name", room.name());
        ctx.json(Map.of("room", out));
    }
}
