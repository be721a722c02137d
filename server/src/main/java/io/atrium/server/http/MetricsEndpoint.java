package io.atrium.server.http;

import io.atrium.server.edge.ApiException;
import io.atrium.server.auth.AuthException;
import io.atrium.server.auth.Bearer;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.metrics.AtriumMetrics;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics}: the Prometheus text exposition. With {@code metrics.bearer_token} set, a
 * scraper must send {@code Authorization: Bearer <token>} (401 otherwise); without one it is open in
 * dev mode and 403 in production. Also counts WebSocket connections and messages on {@code /v1/rtc}.
 */
final class MetricsEndpoint {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final AtriumMetrics metrics;
    private final byte[] token;
    private final boolean open;

    MetricsEndpoint(AtriumMetrics metrics, AtriumConfig.Metrics config, boolean dev) {
        this.metrics = metrics;
        this.token = config.bearerToken().getBytes(StandardCharsets.UTF_8);
        this.open = dev && config.bearerToken().isEmpty();
    }

    void routes(RoutesConfig r) {
        r.get("/metrics", this::scrape);
        r.wsBefore("/v1/rtc", ws -> {
            ws.onConnect(c -> metrics.websocketOpened());
            ws.onClose(c -> metrics.websocketClosed());
            ws.onMessage(c -> metrics.websocketMessage());
        });
    }

    private void scrape(Context ctx) {
        if (!open) {
            if (token.length == 0) {
                throw new ApiException(403, "forbidden", "set metrics.bearer_token to scrape /metrics outside --dev", null);
            }
            byte[] given = Bearer.token(ctx.header("Authorization")).orElse("").getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(given, token)) {
                throw new AuthException("/metrics needs 'Authorization: Bearer <metrics.bearer_token>'");
            }
        }
        ctx.contentType(CONTENT_TYPE).result(metrics.scrape());
    }

    /** The route label of a request: the matched path template, "static" for files, "unmatched" otherwise. */
    static String route(Context ctx) {
        io.javalin.router.Endpoint matched = null;
        try {
            matched = ctx.endpoints().matchedHttpEndpoint();
        } catch (RuntimeException e) {
            // no HTTP endpoint matched
        }
        return matched != null ? matched.path : ctx.statusCode() < 400 ? "static" : "unmatched";
    }
}
