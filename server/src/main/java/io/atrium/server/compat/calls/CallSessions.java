package io.atrium.server.compat.calls;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.auth.TokenService;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.edge.RateLimiter;
import io.atrium.server.room.MemberState;
import io.atrium.server.room.RoomService;
import io.atrium.server.store.CallSessionStore;
import io.atrium.server.store.CallSessionStore.CallSession;
import io.atrium.server.store.RoomStore;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The session logic of contracts 003 and 004, without HTTP: sessions (a session is a room), the global
 * room, participant and control tokens (presets as grants), live details and screen shares, the shapes
 * of the answers, and the per-session rate limits. {@link VideoCallApi} reads requests and writes
 * answers; {@link SessionControls} runs mute, unmute and end. Requests are JSON bodies; the caller's
 * right to operate is checked by the way in (the {@code operator} check given to the calls that need it).
 * Failures are {@link CallException}.
 */
final class CallSessions {

    static final int MAX_NAME = 128;
    static final int MAX_SESSION_NAME = 256;
    static final int MAX_PARTICIPANT_ID = 128;
    /** A session's token generations from all clients together: this many times {@code video_call.tokens_per_minute}. */
    static final int SESSION_TOKEN_CEILING = 10;

    private final AtriumConfig.VideoCall config;
    private final CallSessionStore sessions;
    private final RoomStore rooms;
    private final TokenService tokens;
    private final RoomService live;
    private final RateLimiter sessionLimit;
    private final RateLimiter tokenLimit;
    private final RateLimiter tokenCeiling;
    private final RateLimiter uploadLimit;
    final SessionControls controls;

    CallSessions(AtriumConfig config, CallSessionStore sessions, RoomStore rooms, TokenService tokens, RoomService live,
                 Clock clock) {
        this.config = config.videoCall();
        this.sessions = sessions;
        this.rooms = rooms;
        this.tokens = tokens;
        this.live = live;
        this.sessionLimit = new RateLimiter(this.config.sessionsPerMinute(), clock);
        this.tokenLimit = new RateLimiter(this.config.tokensPerMinute(), clock);
        this.tokenCeiling = new RateLimiter(this.config.tokensPerMinute() * SESSION_TOKEN_CEILING, clock);
        this.uploadLimit = new RateLimiter(config.files().uploadsPerMinute(), clock);
        this.controls = new SessionControls(sessions, rooms, live, new RateLimiter(this.config.controlsPerMinute(), clock));
    }

    // ---- 004: global room, session, token ----

    Map<String, Object> globalRoom() {
        if (config.globalRoom().isEmpty()) {
            throw CallException.internal("global room is not configured (video_call.global_room)");
        }
        UUID id = UUID.fromString(config.globalRoom());
        if (rooms.find(id).isEmpty()) {
            throw CallException.internal("the configured global room " + id + " does not exist");
        }
        return Map.of("room_id", id.toString());
    }

    /** A new session and its control token; {@code video_call.sessions_per_minute} per {@code client}. */
    Map<String, Object> create(JsonNode body, String client) {
        limit(sessionLimit, "ip:" + client, "session creations per client");
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

    /** 004's {@code POST /token}: a participant token for a meeting, with its defaults; links under {@code base}. */
    Map<String, Object> meetingToken(JsonNode body, String base, String client, Consumer<UUID> operator) {
        String meeting = optionalString(body, "meeting_id", 64)
                .orElseThrow(() -> CallException.invalid("Missing meeting_id in request body"));
        UUID room = parseUuid(meeting).filter(this::joinable)
                .orElseThrow(() -> new CallException(404, "NOT_FOUND", "meeting " + meeting + " not found"));
        String name = optionalString(body, "name", MAX_NAME).filter(n -> !n.isBlank()).orElse("Participant");
        String identity = optionalString(body, "custom_participant_id", MAX_PARTICIPANT_ID).filter(n -> !n.isBlank())
                .orElseGet(() -> UUID.randomUUID().toString());
        Presets.Preset preset = preset(body);
        if (preset.admin()) {
            operator.accept(room);
        }
        limitTokens(room, client);
        TokenService.Minted minted = mintParticipant(room, identity, name, preset);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("auth_token", minted.token());
        result.put("participant_id", identity);
        result.put("preset_name", preset.name());
        result.put("expires_at", minted.expiresAt());
        result.put("join_url", joinUrl(base, room, minted.token()));
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

    CompletableFuture<Map<String, Object>> details(String sessionId) {
        CallSession s = controls.session(sessionId);
        boolean ended = ended(s);
        return members(s, ended).thenApply(members -> {
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
            result.put("participants", members.stream().map(CallSessions::participant).toList());
            return result;
        });
    }

    Map<String, Object> participantToken(String sessionId, JsonNode body, String base, String client, Consumer<UUID> operator) {
        CallSession s = controls.active(sessionId);
        String name = optionalString(body, "name", MAX_NAME).filter(n -> !n.isBlank()).orElse("Participant");
        Presets.Preset preset = preset(body);
        if (preset.admin()) {
            operator.accept(s.id());
        }
        limitTokens(s.id(), client);
        String identity = UUID.randomUUID().toString();
        TokenService.Minted minted = mintParticipant(s.id(), identity, name, preset);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("token", minted.token());
        result.put("join_url", joinUrl(base, s.id(), minted.token()));
        result.put("expires_at", minted.expiresAt());
        result.put("participant_id", identity);
        result.put("preset_name", preset.name());
        return result;
    }

    Map<String, Object> controlToken(String sessionId, String client, Consumer<UUID> operator) {
        CallSession s = controls.active(sessionId);
        operator.accept(s.id());
        limitTokens(s.id(), client);
        TokenService.Minted minted = mintControl(s.id());
        return Map.of("token", minted.token(), "expires_at", minted.expiresAt());
    }

    CompletableFuture<Map<String, Object>> screenShares(String sessionId) {
        CallSession s = controls.session(sessionId);
        return members(s, ended(s)).thenApply(members -> Map.of("screen_shares",
                members.stream().filter(MemberState::screenShare).map(m -> {
                    Map<String, Object> share = new LinkedHashMap<>();
                    share.put("share_id", shareId(m.id()));
                    share.put("participant_id", m.id());
                    share.put("participant_name", m.name());
                    share.put("started_at", m.screenShareSince());
                    share.put("stream_url", "atrium:" + s.id() + "/" + m.id() + "/screen");
                    return share;
                }).toList()));
    }

    /** A file may be shared in {@code s} now: {@code files.uploads_per_minute} per session. */
    void admitUpload(CallSession s) {
        limit(uploadLimit, "uploads:" + s.id(), "video file uploads per session");
    }

    /** Everyone in the session gets {@code video_file_shared {session_id, file}}. */
    void shared(CallSession s, Map<String, Object> file) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("session_id", s.id().toString());
        event.put("file", file);
        live.announce(s.id(), "video_file_shared", event);
    }

    private boolean ended(CallSession s) {
        return s.ended() || rooms.find(s.id()).isEmpty();
    }

    private CompletableFuture<List<MemberState>> members(CallSession s, boolean ended) {
        return ended ? CompletableFuture.completedFuture(List.of()) : live.memberStates(s.id());
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

    private static String joinUrl(String base, UUID room, String token) {
        return base + "/room.html?room=" + room + "#token=" + token;
    }

    private static Presets.Preset preset(JsonNode body) {
        String name = optionalString(body, "preset_name", 64).orElse(Presets.DEFAULT);
        return Presets.find(name).orElseThrow(() -> CallException.invalid("unknown preset_name '" + name + "'; one of "
                + String.join(", ", Presets.names())));
    }

    /**
     * Token generation: {@code video_call.tokens_per_minute} per session and client address, and {@link #SESSION_TOKEN_CEILING}
     * times that per session from all clients. Counted per session alone, one client could lock everybody out of a
     * session whose id is public, such as the global room (docs/SECURITY.md, finding 16).
     */
    private void limitTokens(UUID session, String client) {
        limit(tokenLimit, "tokens:" + session + "/" + client, "token generations per session and client");
        limit(tokenCeiling, "tokens:" + session, "token generations per session");
    }

    static void limit(RateLimiter limiter, String key, String what) {
        long wait = limiter.acquire(key);
        if (wait > 0) {
            throw new CallException(429, "RATE_LIMITED", "rate limit exceeded: " + limiter.perMinute() + " " + what
                    + " per minute; retry in " + wait + " s", wait);
        }
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
}
