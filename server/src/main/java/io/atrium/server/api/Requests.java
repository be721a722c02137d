package io.atrium.server.api;

import io.atrium.server.edge.ApiException;
import io.javalin.http.Context;
import java.util.UUID;

/** Helpers for reading a request: path ids and the JSON body. */
final class Requests {

    private Requests() {
    }

    static UUID pathUuid(Context ctx, String name) {
        String value = ctx.pathParam(name);
        try {
            UUID id = UUID.fromString(value);
            if (id.toString().equalsIgnoreCase(value)) {
                return id;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw ApiException.badField(name, "'" + abbreviate(value) + "' in the path is not a UUID");
    }

    static JsonInput body(Context ctx) {
        return JsonInput.parse(ctx.body());
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
