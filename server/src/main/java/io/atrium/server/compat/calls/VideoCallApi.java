package io.atrium.server.compat.calls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.atrium.server.edge.Json;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.ApiKeys;
import io.atrium.server.auth.AuthException;
import io.atrium.server.auth.Bearer;
import io.atrium.server.auth.TokenService;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.edge.AttemptGuard;
import io.atrium.server.edge.ClientAddress;
import io.atrium.server.edge.TooManyRequests;
import io.atrium.server.files.FileException;
import io.atrium.server.files.FileUrls;
import io.atrium.server.files.VideoFileService;
import io.atrium.server.room.RoomService;
import io.atrium.server.store.CallSessionStore;
import io.atrium.server.store.CallSessionStore.CallSession;
import io.atrium.server.store.RoomStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the call API of contracts 003 and 004 under {@code /api/video-call}: routes, CORS,
 * the {@code {"error", "code"}} envelope, JSON bodies, who may operate (a control token of the session
 * or the API credentials) and who may share a file, and streaming uploads. What a call does is
 * {@link CallSessions}' (sessions, tokens, details) and {@link SessionControls}' (mute, unmute, end).
 * docs/CONTRACTS.md is the reference.
 */
public final class VideoCallApi {

    static final String BASE = "/api/video-call";
    private static final long ROOM_TIMEOUT_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(VideoCallApi.class);

    private final AtriumConfig.VideoCall config;
    private final CallSessions calls;
    private final ApiKeys apiKeys;
    private final TokenService tokens;
    private final VideoFileService files;
    private final ClientAddress clients;
    private final AttemptGuard guard;

    public VideoCallApi(AtriumConfig config, CallSessionStore sessions, RoomStore rooms, ApiKeys apiKeys,
                        TokenService tokens, RoomService live, Clock clock, VideoFileService files, ClientAddress clients,
                        AttemptGuard guard) {
        this.files = files;
        this.clients = clients;
        this.guard = guard;
        this.config = config.videoCall();
        this.calls = new CallSessions(config, sessions, rooms, tokens, live, clock);
        this.apiKeys = apiKeys;
        this.tokens = tokens;
        live.registerDialect(CallEvents.NAME, new CallEvents(calls.controls, clock));
    }

    public void routes(RoutesConfig r) {
        r.before(BASE + "/*", this::cors);
        r.options(BASE + "/*", ctx -> ctx.status(204));
        r.get(BASE + "/global-room", wrap(ctx -> calls.globalRoom()));
        r.post(BASE + "/session", wrap(this::createSession));
        r.post(BASE + "/token", wrap(this::token));
        r.get(BASE + "/session/{session_id}", wrap(this::details));
        r.delete(BASE + "/session/{session_id}", wrap(this::end));
        r.post(BASE + "/session/{session_id}/participant-token", wrap(this::participantToken));
        r.post(BASE + "/session/{session_id}/control-token", wrap(this::controlToken));
        r.post(BASE + "/session/{session_id}/mute", wrap(ctx -> mute(ctx, true)));
        r.post(BASE + "/session/{session_id}/unmute", wrap(ctx -> mute(ctx, false)));
        r.get(BASE + "/session/{session_id}/screen-shares", wrap(this::screenShares));
        r.post(BASE + "/session/{session_id}/video-file", wrap(this::uploadVideoFile));
        r.get(BASE + "/session/{session_id}/video-files", wrap(this::videoFiles));
        // playback URLs of shared files live under /api too, so an /api-only proxy passes them (with CORS)
        r.get(BASE + FileUrls.PATH_PREFIX + "{file_id}", this::serveFile);
        r.head(BASE + FileUrls.PATH_PREFIX + "{file_id}", this::serveFile);
        // the control center page (web/static/control/); static files have no directory index
        r.get("/control", ctx -> ctx.redirect("/control/index.html" + query(ctx)));
        r.get("/control/", ctx -> ctx.redirect("/control/index.html" + query(ctx)));
    }

    private static String query(Context ctx) {
        return ctx.queryString() == null ? "" : "?" + ctx.queryString();
    }

    // ---- CORS and errors ----

    private void cors(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !(config.allowedOrigins().contains(origin) || config.allowedOrigins().contains("*"))) {
            return;
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
        ctx.header("Access-Control-Allow-Methods", "GET, POST, DELETE");
        ctx.header("Access-Control-Allow-Headers", "Content-Type, Authorization, Range");
        ctx.header("Access-Control-Expose-Headers", "Retry-After, Content-Range, Accept-Ranges, Content-Length, ETag");
        ctx.header("Access-Control-Max-Age", "600");
    }

    private interface Endpoint {
        Object handle(Context ctx) throws Exception;
    }

    /** Runs an endpoint; every failure becomes {@code {"error", "code"}}, never a stack trace. */
    private static Handler wrap(Endpoint endpoint) {
        return ctx -> {
            try {
                ctx.json(endpoint.handle(ctx));
            } catch (TooManyRequests e) {
                ctx.header("Retry-After", Long.toString(e.retryAfterSeconds));
                error(ctx, 429, "RATE_LIMITED", e.getMessage());
            } catch (CallException e) {
                if (e.retryAfterSeconds > 0) {
                    ctx.header("Retry-After", Long.toString(e.retryAfterSeconds));
                }
                error(ctx, e.status, e.code, e.getMessage());
            } catch (FileException e) {
                error(ctx, e.kind().status(), e.kind().code(), e.getMessage());
            } catch (HttpResponseException e) {
                // Javalin's own, e.g. 413 when the body is above http.max_body_bytes
                error(ctx, e.getStatus(), e.getStatus() == 413 ? "PAYLOAD_TOO_LARGE" : e.getStatus() < 500 ? "INVALID_INPUT"
                        : "INTERNAL_ERROR", e.getStatus() == 413 ? "request body is too large" : e.getMessage());
            } catch (Exception e) {
                log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 500, "INTERNAL_ERROR", "internal server error");
            }
        };
    }

    private static void error(Context ctx, int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("code", code);
        ctx.status(status).json(body);
    }

    // ---- sessions and tokens (004, 003): the logic is CallSessions' ----

    private Object createSession(Context ctx) {
        return calls.create(body(ctx), clients.of(ctx));
    }

    private Object token(Context ctx) {
        String client = guarded(ctx);
        return calls.meetingToken(body(ctx), base(ctx), client, room -> requireOperator(ctx, room));
    }

    /** The client's address, admitted by the facades' shared {@link AttemptGuard} (its per-address request limit). */
    private String guarded(Context ctx) {
        String client = clients.of(ctx);
        guard.admit(client);
        return client;
    }

    /** Counts an unauthenticated read that costs a database read and a hop onto the room (docs/SECURITY.md, finding 18). */
    private void admitRead(Context ctx) {
        guard.admit(clients.of(ctx));
    }

    private Object details(Context ctx) throws Exception {
        admitRead(ctx);
        return await(calls.details(ctx.pathParam("session_id")));
    }

    private Object end(Context ctx) throws Exception {
        CallSession s = session(ctx);
        requireOperator(ctx, s.id());
        return await(calls.controls.end(s));
    }

    private Object participantToken(Context ctx) {
        String client = guarded(ctx);
        return calls.participantToken(ctx.pathParam("session_id"), body(ctx), base(ctx), client, room -> requireOperator(ctx, room));
    }

    private Object controlToken(Context ctx) {
        return calls.controlToken(ctx.pathParam("session_id"), clients.of(ctx), room -> requireOperator(ctx, room));
    }

    private Object mute(Context ctx, boolean mute) throws Exception {
        CallSession s = activeSession(ctx);
        requireOperator(ctx, s.id());
        return await(calls.controls.mute(s, body(ctx), mute));
    }

    private Object screenShares(Context ctx) throws Exception {
        admitRead(ctx);
        return await(calls.screenShares(ctx.pathParam("session_id")));
    }

    // ---- video files (003) ----

    /**
     * {@code POST …/video-file}: the caller's participant or control token for the session names the
     * uploader ({@code uploaded_by}) and must allow sharing (a control or host token, or a participant
     * that may publish; viewers get 403 FORBIDDEN); {@code files.uploads_per_minute} per session (429);
     * the file is streamed to storage within the quotas (docs/API.md, video files; 413) and everyone in
     * the session gets {@code video_file_shared}.
     */
    private Object uploadVideoFile(Context ctx) {
        CallSession s = activeSession(ctx);
        String bearer = Bearer.token(ctx.header("Authorization")).orElseThrow(() -> new CallException(401, "UNAUTHORIZED",
                "send the participant or control token of this session as Authorization: Bearer <token>", 0));
        String client = clients.of(ctx);
        guard.admit(client);
        AccessToken caller;
        try {
            caller = tokens.verify(bearer, Optional.of(s.id()));
        } catch (AuthException e) {
            guard.failed(client);
            throw new CallException(401, "UNAUTHORIZED", "invalid token: " + e.getMessage(), 0);
        }
        if (!caller.admin() && !caller.grants().publish()) {
            throw new CallException(403, "FORBIDDEN", "this token may not share files in the session (a control or host"
                    + " token, or a participant that may publish, is needed)", 0);
        }
        calls.admitUpload(s);
        Map<String, Object> info = files.describe(files.upload(ctx, s.id(), caller.identity()), base(ctx) + BASE);
        calls.shared(s, info);
        return info;
    }

    private Object videoFiles(Context ctx) {
        admitRead(ctx);
        CallSession s = session(ctx);
        String base = base(ctx) + BASE;
        return Map.of("files", files.list(s.id()).stream().map(f -> files.describe(f, base)).toList());
    }

    /** A playback URL of a shared file (signed, or with a token of its session); errors in 003's shape. */
    private void serveFile(Context ctx) {
        try {
            UUID id = CallSessions.parseUuid(ctx.pathParam("file_id"))
                    .orElseThrow(() -> new FileException(FileException.Kind.NOT_FOUND, "no such file"));
            files.serve(ctx, id);
        } catch (FileException e) {
            error(ctx, e.kind().status(), e.kind().code(), e.getMessage());
        }
    }

    // ---- helpers ----

    /** Where clients reach Atrium: {@code video_call.public_url}, else the scheme and host of the request; no trailing slash. */
    private String base(Context ctx) {
        String base = config.publicUrl().isEmpty() ? ctx.scheme() + "://" + ctx.host() : config.publicUrl();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * Operator calls need the API credentials or an admin token of this session (a control token),
     * unless {@code video_call.open_control} is set.
     */
    private void requireOperator(Context ctx, UUID session) {
        if (config.openControl()) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw CallException.unauthorized("a control token of this session (Authorization: Bearer <token>) or the"
                    + " API credentials are required");
        }
        String client = clients.of(ctx);
        guard.admit(client); // a guessed credential counts against the address (docs/SECURITY.md, finding 9)
        Optional<String> bearer = Bearer.token(header);
        if (bearer.isPresent()) {
            try {
                AccessToken t = tokens.verify(bearer.get(), Optional.of(session));
                if (t.admin()) {
                    return;
                }
                throw CallException.unauthorized("this token does not control the session");
            } catch (AuthException e) {
                // maybe an API JWT: tried below
            }
        }
        try {
            apiKeys.authenticate(header);
        } catch (AuthException e) {
            guard.failed(client);
            throw CallException.unauthorized("invalid or expired token: a control token of this session or the API"
                    + " credentials are required");
        }
    }

    private CallSession session(Context ctx) {
        return calls.controls.session(ctx.pathParam("session_id"));
    }

    private CallSession activeSession(Context ctx) {
        return calls.controls.active(ctx.pathParam("session_id"));
    }

    /** The JSON object body; empty means {@code {}} (every field of these bodies is optional or reported missing). */
    private static JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            if (node instanceof ObjectNode) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw CallException.invalid("request body must be a JSON object");
    }

    private static <T> T await(CompletableFuture<T> f) throws InterruptedException, TimeoutException {
        try {
            return f.get(ROOM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (SessionControls.unwrap(e.getCause()) instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
