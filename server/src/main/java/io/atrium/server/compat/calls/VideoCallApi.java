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
import io.atrium.server.edge.RateLimiter;
import io.atrium.server.edge.TooManyRequests;
import io.atrium.server.files.FileException;
import io.atrium.server.files.FileUrls;
import io.atrium.server.store.VideoFile;
import io.atrium.server.files.VideoFileService;
import io.atrium.server.room.MemberState;
import io.atrium.server.room.RoomService;
import io.atrium.server.store.CallSessionStore;
import io.atrium.server.store.CallSessionStore.CallSession;
import io.atrium.server.store.RoomStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
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
 * The call API of contracts 003 and 004 under {@code /api/video-call}: a thin facade over Atrium's
 * rooms (a session is a room), access tokens (participant and control tokens, presets as grants) and
 * the room service (live participants, admin mutes that stop forwarding, ending). Errors are
 * {@code {"error", "code"}}; limits and CORS as in contract 003. docs/CONTRACTS.md is the reference.
 */
public final class VideoCallApi {

    static final String BASE = "/api/video-call";
    static final int MAX_NAME = 128;
    static final int MAX_SESSION_NAME = 256;
    static final int MAX_PARTICIPANT_ID = 128;
    private static final long ROOM_TIMEOUT_SECONDS = 5;
    private static final Logger log = LoggerFactory.getLogger(VideoCallApi.class);

    private final AtriumConfig.VideoCall config;
    private final CallSessionStore sessions;
    private final RoomStore rooms;
    private final ApiKeys apiKeys;
    private final TokenService tokens;
    private final RoomService live;
    private final RateLimiter sessionLimit;
    private final RateLimiter tokenLimit;
    private final RateLimiter controlLimit;
    private final RateLimiter uploadLimit;
    private final VideoFileService files;
    private final ClientAddress clients;
    private final AttemptGuard guard;
    private final SessionControls controls;

    public VideoCallApi(AtriumConfig config, CallSessionStore sessions, RoomStore rooms, ApiKeys apiKeys,
                        TokenService tokens, RoomService live, Clock clock, VideoFileService files, ClientAddress clients,
                        AttemptGuard guard) {
        this.files = files;
        this.clients = clients;
        this.guard = guard;
        this.config = config.videoCall();
        this.sessions = sessions;
        this.rooms = rooms;
        this.apiKeys = apiKeys;
        this.tokens = tokens;
        this.live = live;
        this.sessionLimit = new RateLimiter(this.config.sessionsPerMinute(), clock);
        this.tokenLimit = new RateLimiter(this.config.tokensPerMinute(), clock);
        this.controlLimit = new RateLimiter(this.config.controlsPerMinute(), clock);
        this.uploadLimit = new RateLimiter(config.files().uploadsPerMinute(), clock);
        this.controls = new SessionControls(sessions, rooms, live, controlLimit);
        live.registerDialect(CallEvents.NAME, new CallEvents(controls));
    }

    public void routes(RoutesConfig r) {
        r.before(BASE + "/*", this::cors);
        r.options(BASE + "/*", ctx -> ctx.status(204));
        r.get(BASE + "/global-room", wrap(this::globalRoom));
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

    // ---- 004: global room, session, token ----

    private Object globalRoom(Context ctx) {
        if (config.globalRoom().isEmpty()) {
            throw CallException.internal("global room is not configured (video_call.global_room)");
        }
        UUID id = UUID.fromString(config.globalRoom());
        if (rooms.find(id).isEmpty()) {
            throw CallException.internal("the configured global room " + id + " does not exist");
        }
        return Map.of("room_id", id.toString());
    }

    private Object createSession(Context ctx) {
        limit(sessionLimit, "ip:" + clients.of(ctx), "session creations per client");
        JsonNode body = body(ctx);
        Optional<String> name = optionalString(body, "name", MAX_SESSION_NAME).filter(n -> !n.isBlank());
        CallSession s = sessions.create(name.orElse("Video call"), name.orElse(null));
        TokenService.Minted control = mintControl(s.id());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("session_id", s.id().toString());
        result.put("meeting_id", s.id().toString());
        result.put("created_at", s.createdAt());
        name.ifPresent(n -> result.put("name", n));
        result.put("control_token", control.token());
        result.put("control_token_expires_at", control.expiresAt());
        return result;
    }

    /** 004's {@code POST /token}: a participant token for a meeting, with its defaults. */
    private Object token(Context ctx) {
        JsonNode body = body(ctx);
        String meeting = optionalString(body, "meeting_id", 64)
                .orElseThrow(() -> CallException.invalid("Missing meeting_id in request body"));
        UUID room = parseUuid(meeting).filter(this::joinable)
                .orElseThrow(() -> new CallException(404, "NOT_FOUND", "meeting " + meeting + " not found"));
        String name = optionalString(body, "name", MAX_NAME).filter(n -> !n.isBlank()).orElse("Participant");
        String identity = optionalString(body, "custom_participant_id", MAX_PARTICIPANT_ID).filter(n -> !n.isBlank())
                .orElseGet(() -> UUID.randomUUID().toString());
        Presets.Preset preset = preset(body);
        if (preset.admin()) {
            requireOperator(ctx, room);
        }
        limit(tokenLimit, "tokens:" + room, "token generations per session");
        TokenService.Minted minted = mintParticipant(room, identity, name, preset);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("auth_token", minted.token());
        result.put("participant_id", identity);
        result.put("preset_name", preset.name());
        result.put("expires_at", minted.expiresAt());
        result.put("join_url", joinUrl(ctx, room, minted.token()));
        return result;
    }

    /** A session (a room made by this API) that has not ended, or the configured global room. */
    private boolean joinable(UUID room) {
        Optional<CallSession> s = sessions.find(room);
        if (s.isPresent()) {
            return !s.get().ended() && rooms.find(room).isPresent();
        }
        return room.toString().equalsIgnoreCase(config.globalRoom()) && rooms.find(room).isPresent();
    }

    // ---- 003: sessions ----

    private Object details(Context ctx) throws Exception {
        CallSession s = session(ctx);
        boolean ended = s.ended() || rooms.find(s.id()).isEmpty();
        List<MemberState> members = ended ? List.of() : await(live.memberStates(s.id()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("session_id", s.id().toString());
        result.put("meeting_id", s.id().toString());
        if (s.name() != null) {
            result.put("name", s.name());
        }
        result.put("created_at", s.createdAt());
        result.put("status", ended ? "ended" : "active");
        if (s.endedAt() != null) {
            result.put("ended_at", s.endedAt());
        }
        result.put("participants", members.stream().map(VideoCallApi::participant).toList());
        return result;
    }

    private Object end(Context ctx) throws Exception {
        CallSession s = session(ctx);
        requireOperator(ctx, s.id());
        return await(controls.end(s));
    }

    private Object participantToken(Context ctx) {
        CallSession s = activeSession(ctx);
        JsonNode body = body(ctx);
        String name = optionalString(body, "name", MAX_NAME).filter(n -> !n.isBlank()).orElse("Participant");
        Presets.Preset preset = preset(body);
        if (preset.admin()) {
            requireOperator(ctx, s.id());
        }
        limit(tokenLimit, "tokens:" + s.id(), "token generations per session");
        String identity = UUID.randomUUID().toString();
        TokenService.Minted minted = mintParticipant(s.id(), identity, name, preset);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("token", minted.token());
        result.put("join_url", joinUrl(ctx, s.id(), minted.token()));
        result.put("expires_at", minted.expiresAt());
        result.put("participant_id", identity);
        result.put("preset_name", preset.name());
        return result;
    }

    private Object controlToken(Context ctx) {
        CallSession s = activeSession(ctx);
        requireOperator(ctx, s.id());
        limit(tokenLimit, "tokens:" + s.id(), "token generations per session");
        TokenService.Minted minted = mintControl(s.id());
        return Map.of("token", minted.token(), "expires_at", minted.expiresAt());
    }

    private Object mute(Context ctx, boolean mute) throws Exception {
        CallSession s = activeSession(ctx);
        requireOperator(ctx, s.id());
        return await(controls.mute(s, body(ctx), mute));
    }

    private Object screenShares(Context ctx) throws Exception {
        CallSession s = session(ctx);
        boolean ended = s.ended() || rooms.find(s.id()).isEmpty();
        List<MemberState> members = ended ? List.of() : await(live.memberStates(s.id()));
        List<Map<String, Object>> shares = members.stream().filter(MemberState::screenShare).map(m -> {
            Map<String, Object> share = new LinkedHashMap<>();
            share.put("share_id", shareId(m.id()));
            share.put("participant_id", m.id());
            share.put("participant_name", m.name());
            share.put("started_at", m.screenShareSince());
            share.put("stream_url", "atrium:" + s.id() + "/" + m.id() + "/screen");
            return share;
        }).toList();
        return Map.of("screen_shares", shares);
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
        limit(uploadLimit, "uploads:" + s.id(), "video file uploads per session");
        VideoFile file = files.upload(ctx, s.id(), caller.identity());
        Map<String, Object> info = files.describe(file, base(ctx) + BASE);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("session_id", s.id().toString());
        event.put("file", info);
        live.announce(s.id(), "video_file_shared", event);
        return info;
    }

    private Object videoFiles(Context ctx) {
        CallSession s = session(ctx);
        String base = base(ctx) + BASE;
        return Map.of("files", files.list(s.id()).stream().map(f -> files.describe(f, base)).toList());
    }

    /** A playback URL of a shared file (signed, or with a token of its session); errors in 003's shape. */
    private void serveFile(Context ctx) {
        try {
            UUID id = parseUuid(ctx.pathParam("file_id"))
                    .orElseThrow(() -> new FileException(FileException.Kind.NOT_FOUND, "no such file"));
            files.serve(ctx, id);
        } catch (FileException e) {
            error(ctx, e.kind().status(), e.kind().code(), e.getMessage());
        }
    }

    // ---- shapes ----

    static String shareId(String participant) {
        return participant + "/screen";
    }

    static Map<String, Object> participant(MemberState m) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("participant_id", m.id());
        p.put("name", m.name());
        p.put("joined_at", m.joinedAt());
        p.put("is_muted", m.audioMuted());
        p.put("is_camera_on", !m.videoMuted());
        p.put("is_screen_sharing", m.screenShare());
        p.put("connection_quality", quality(m.connectionQuality()));
        p.put("is_host", m.admin());
        p.put("muted_by_admin", m.audioMutedByAdmin());
        return p;
    }

    /** A ParticipantInfo from a protocol RoomMember (a {@code member_join_room}), joined at {@code at}. */
    static Map<String, Object> participant(JsonNode m, Instant at) {
        return participant(new MemberState(m.path("id").asText(), m.path("name").asText(), m.path("is_admin").asBoolean(), at,
                m.path("audio_muted").asBoolean(), m.path("audio_muted_by_admin").asBoolean(), m.path("video_muted").asBoolean(),
                m.path("screen_share").asBoolean(), null, m.path("connection_quality").asText("unknown")));
    }

    /** The contract knows four qualities; before Atrium has measured any media ("unknown") it says {@code good}. */
    static String quality(String atrium) {
        return switch (atrium) {
            case "excellent", "good", "fair", "poor" -> atrium;
            default -> "good";
        };
    }

    // ---- helpers ----

    private TokenService.Minted mintParticipant(UUID room, String identity, String name, Presets.Preset preset) {
        return tokens.mint(room, identity, name, Optional.empty(), preset.admin(), preset.grants(),
                config.tokenTtlSeconds());
    }

    private TokenService.Minted mintControl(UUID room) {
        return tokens.mint(room, "control-" + UUID.randomUUID(), "Control center", Optional.empty(), true,
                Presets.CONTROL, config.tokenTtlSeconds());
    }

    private String joinUrl(Context ctx, UUID room, String token) {
        return base(ctx) + "/room.html?room=" + room + "#token=" + token;
    }

    /** Where clients reach Atrium: {@code video_call.public_url}, else the scheme and host of the request; no trailing slash. */
    private String base(Context ctx) {
        String base = config.publicUrl().isEmpty() ? ctx.scheme() + "://" + ctx.host() : config.publicUrl();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private Presets.Preset preset(JsonNode body) {
        String name = optionalString(body, "preset_name", 64).orElse(Presets.DEFAULT);
        return Presets.find(name).orElseThrow(() -> CallException.invalid("unknown preset_name '" + name + "'; one of "
                + String.join(", ", Presets.names())));
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

    static void limit(RateLimiter limiter, String key, String what) {
        long wait = limiter.acquire(key);
        if (wait > 0) {
            throw new CallException(429, "RATE_LIMITED", "rate limit exceeded: " + limiter.perMinute() + " " + what
                    + " per minute; retry in " + wait + " s", wait);
        }
    }

    private CallSession session(Context ctx) {
        return controls.session(ctx.pathParam("session_id"));
    }

    private CallSession activeSession(Context ctx) {
        return controls.active(ctx.pathParam("session_id"));
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

    static Optional<String> optionalString(JsonNode body, String field, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw CallException.invalid(field + " must be a string");
        }
        if (v.textValue().length() > max) {
            throw CallException.invalid(field + " is longer than " + max + " characters");
        }
        return Optional.of(v.textValue());
    }

    static Optional<UUID> parseUuid(String value) {
        try {
            UUID id = UUID.fromString(value);
            return id.toString().equalsIgnoreCase(value) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
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
