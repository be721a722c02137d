package io.atrium.server.api;

import io.atrium.server.sip.Registrar;
import io.atrium.server.sip.SipService;
import io.javalin.config.RoutesConfig;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import io.atrium.server.edge.ApiException;
import io.atrium.server.store.RoomStore;

/**
 * SIP state over REST (docs/SIP.md): {@code GET /v1/sip/registrations[?extension=]}, {@code GET /v1/sip/calls},
 * {@code GET /v1/sip/rooms/{uuid}} (a room's dial-in number).
 */
final class SipApi {

    private final Registrar registrar;
    private final SipService sip;
    private final RoomStore rooms;

    /** {@code sip}: null when SIP is off (no calls then, and rooms have no dial-in number). */
    SipApi(Registrar registrar, SipService sip, RoomStore rooms) {
        this.registrar = registrar;
        this.sip = sip;
        this.rooms = rooms;
    }

    void routes(RoutesConfig r) {
        r.get("/v1/sip/registrations", ctx -> {
            String extension = ctx.queryParam("extension");
            ctx.json(Map.of("registrations", extension == null ? registrar.all() : registrar.bindings(extension)));
        });
        r.get("/v1/sip/calls", ctx -> ctx.json(Map.of("calls", sip == null ? List.of() : sip.calls())));
        r.get("/v1/sip/rooms/{uuid}", ctx -> {
            UUID room = Requests.pathUuid(ctx, "uuid");
            if (rooms.find(room).isEmpty()) {
                throw ApiException.notFound("room not found");
            }
            if (sip == null) {
                throw ApiException.notFound("SIP is off (sip.enabled): rooms have no dial-in number");
            }
            Map<String, Object> out = new java.util.LinkedHashMap<>(sip.dialIn(room));
            out.put("room", room.toString());
            ctx.json(out);
        });
    }
}
