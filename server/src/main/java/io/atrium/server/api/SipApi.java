package io.atrium.server.api;

import io.atrium.server.sip.Registrar;
import io.atrium.server.sip.SipService;
import io.javalin.config.RoutesConfig;
import java.util.List;
import java.util.Map;

/** SIP state over REST (docs/SIP.md): {@code GET /v1/sip/registrations[?extension=]}, {@code GET /v1/sip/calls}. */
final class SipApi {

    private final Registrar registrar;
    private final SipService sip;

    /** {@code sip}: null when SIP is off (no calls then). */
    SipApi(Registrar registrar, SipService sip) {
        this.registrar = registrar;
        this.sip = sip;
    }

    void routes(RoutesConfig r) {
        r.get("/v1/sip/registrations", ctx -> {
            String extension = ctx.queryParam("extension");
            ctx.json(Map.of("registrations", extension == null ? registrar.all() : registrar.bindings(extension)));
        });
        r.get("/v1/sip/calls", ctx -> ctx.json(Map.of("calls", sip == null ? List.of() : sip.calls())));
    }
}
