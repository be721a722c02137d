package io.atrium.server.api;

import io.atrium.server.sip.Registrar;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/** SIP state over REST (docs/SIP.md): {@code GET /v1/sip/registrations[?extension=]}. */
final class SipApi {

    private final Registrar registrar;

    SipApi(Registrar registrar) {
        this.registrar = registrar;
    }

    void routes(RoutesConfig r) {
        r.get("/v1/sip/registrations", ctx -> {
            String extension = ctx.queryParam("extension");
            ctx.json(Map.of("registrations", extension == null ? registrar.all() : registrar.bindings(extension)));
        });
    }
}
