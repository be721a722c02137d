package io.atrium.server.api;

import io.atrium.server.edge.ApiException;
import io.atrium.server.edge.TooManyRequests;
import io.atrium.server.auth.AuthException;
import io.atrium.server.files.FileException;
import io.atrium.server.store.StoreException;
import io.atrium.server.sfu.MediaLimitException;
import io.atrium.webrtc.sdp.SdpException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from exceptions to HTTP responses: {@code {"error":{"code","message","field"?}}}.
 * Unexpected exceptions are logged with their stack trace and answered with a bare 500; no stack
 * trace or internal message ever reaches a client.
 */
final class ErrorMapper {

    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    static void install(RoutesConfig r) {
        r.exception(ApiException.class, (e, ctx) -> write(ctx, e.status(), e.code(), e.getMessage(), e.field()));
        r.exception(AuthException.class, (e, ctx) -> write(ctx, 401, "unauthorized", e.getMessage(), null));
        r.exception(StoreException.Duplicate.class, (e, ctx) -> write(ctx, 409, "conflict", e.getMessage(), e.field()));
        r.exception(StoreException.MissingReference.class, (e, ctx) -> write(ctx, 400, "invalid_field", e.getMessage(), e.field()));
        r.exception(FileException.class, (e, ctx) -> {
            if (e.status() >= 500) {
                log.error("file error on {} {}: {}", ctx.method(), ctx.path(), e.getMessage(), e.getCause());
            }
            write(ctx, e.status(), e.nativeCode(), e.getMessage(), null);
        });
        r.exception(TooManyRequests.class, (e, ctx) -> {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds));
            write(ctx, 429, "too_many_requests", e.getMessage(), null);
        });
        r.exception(MediaLimitException.class, (e, ctx) -> write(ctx, e.status(), e.code(), e.getMessage(), null));
        r.exception(SdpException.class, (e, ctx) -> write(ctx, 400, "invalid_sdp", e.getMessage(), null));
        r.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e.getStatus(), code(e.getStatus()),
                e.getStatus() == 413 ? "request body is too large" : e.getMessage(), null));
        r.exception(Exception.class, (e, ctx) -> {
            log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            write(ctx, 500, "internal", "internal server error", null);
        });
        r.error(405, ctx -> write(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path(), null));
    }

    static void write(Context ctx, int status, String code, String message, String field) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        }
        ctx.status(status).json(Map.of("error", error));
    }

    private static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "body_too_large";
            case 431 -> "headers_too_large";
            default -> status >= 500 ? "internal" : "error";
        };
    }
}
