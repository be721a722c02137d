package io.atrium.server.edge;

import io.javalin.http.Context;
import java.util.List;

/**
 * Cross-origin access for one group of endpoints (Fetch standard CORS): which origins may call them,
 * with which methods and request headers, and which response headers their scripts may read.
 * Credentials are bearer tokens, never cookies, so {@code *} is safe and answered literally; with a
 * list, an allowed {@code Origin} is echoed with {@code Vary: Origin}, any other gets no CORS headers
 * (the browser then blocks the page from reading the answer).
 */
public final class Cors {

    private final List<String> origins;
    private final String methods;
    private final String headers;
    private final String exposed;

    /**
     * @param origins allowed origins ({@code https://app.example.com}) or {@code *}
     * @param methods the methods a preflight allows, e.g. {@code "POST, DELETE, OPTIONS"}
     * @param headers the request headers a preflight allows
     * @param exposed the response headers scripts may read
     */
    public Cors(List<String> origins, String methods, String headers, String exposed) {
        this.origins = List.copyOf(origins);
        this.methods = methods;
        this.headers = headers;
        this.exposed = exposed;
    }

    /** Adds the CORS response headers for the request's {@code Origin} (a before-handler: errors carry them too). */
    public void apply(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        if (origins.contains("*")) {
            ctx.header("Access-Control-Allow-Origin", "*");
        } else if (origins.contains(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
        } else {
            return;
        }
        ctx.header("Access-Control-Expose-Headers", exposed);
    }

    /** Answers a preflight ({@code OPTIONS}): 204 with the allowed methods and headers. */
    public void preflight(Context ctx) {
        ctx.status(204)
                .header("Allow", methods)
                .header("Access-Control-Allow-Methods", methods)
                .header("Access-Control-Allow-Headers", headers)
                .header("Access-Control-Max-Age", "600");
    }
}
