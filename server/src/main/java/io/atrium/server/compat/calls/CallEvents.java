package io.atrium.server.compat.calls;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.edge.Json;
import io.atrium.server.room.EventDialect;
import io.atrium.server.room.Params;
import io.atrium.server.room.RpcException;
import io.atrium.server.store.Room;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Contract 003's control-center vocabulary on the room socket, as an {@link EventDialect} named
 * {@value #NAME} (the owner of session rooms, so the default for their watchers). Events: a watcher
 * gets, after each native room notification, the 003 event it means (docs/CONTRACTS.md has the
 * table); every event carries {@code session_id} and {@code participant_id}. Commands: the control
 * center's {@code mute_participant}, {@code unmute_participant} and {@code end_session}, run by
 * {@link SessionControls} as the HTTP calls are.
 */
final class CallEvents implements EventDialect {

    static final String NAME = Room.VIDEO_CALL;
    static final String MUTE = "mute_participant";
    static final String UNMUTE = "unmute_participant";
    static final String END = "end_session";

    private final SessionControls controls;
    private final Clock clock;

    CallEvents(SessionControls controls, Clock clock) {
        this.controls = controls;
        this.clock = clock;
    }

    @Override
    public Set<String> commands() {
        return Set.of(MUTE, UNMUTE, END);
    }

    @Override
    public java.util.Optional<String> endCommand() {
        return java.util.Optional.of(END);
    }

    /**
     * A command from a socket admitted to session {@code room} with an admin token (a control or host
     * token): params as the HTTP body ({@code participant_id}; an optional {@code session_id} must be
     * that session), the answer as the HTTP answer. Errors are JSON-RPC errors with the HTTP status as
     * {@code code} and {@code data: {code: <003 code>}} ({@code retry_after} too when rate limited).
     */
    @Override
    public CompletableFuture<Object> command(UUID room, AccessToken caller, String method, Params params) {
        CompletableFuture<Map<String, Object>> done;
        try {
            JsonNode body = params.json().isObject() ? params.json() : Json.MAPPER.createObjectNode();
            SessionControls.sameSession(body, room);
            done = method.equals(END) ? controls.end(controls.session(room.toString()))
                    : controls.mute(controls.active(room.toString()), body, method.equals(MUTE));
        } catch (CallException e) {
            return CompletableFuture.failedFuture(rpc(e));
        }
        return done.handle((result, error) -> {
            if (error == null) {
                return result;
            }
            Throwable cause = SessionControls.unwrap(error);
            throw cause instanceof CallException e ? rpc(e) : cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        });
    }

    private static RpcException rpc(CallException e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("code", e.code);
        if (e.retryAfterSeconds > 0) {
            data.put("retry_after", e.retryAfterSeconds);
        }
        return new RpcException(e.status, e.getMessage(), data);
    }

    @Override
    public List<Notification> translate(UUID room, String method, Object params) {
        JsonNode p = Json.MAPPER.valueToTree(params);
        String session = String.valueOf(room);
        String member = p.path("member").asText(p.path("id").asText());
        return switch (method) {
            case "member_join_room" -> List.of(event("participant_joined", session, p.path("id").asText(),
                    Map.of("participant", CallSessions.participant(p, clock.instant()))));
            case "member_leave_room" -> List.of(event("participant_left", session, member,
                    Map.of("removed", p.path("by_admin").asBoolean())));
            case "member_mute_audio", "member_unmute_audio" -> List.of(event(
                    method.startsWith("member_mute") ? "participant_muted" : "participant_unmuted", session, member,
                    Map.of("is_muted", method.startsWith("member_mute"), "by", p.path("by_admin").asBoolean() ? "remote" : "self")));
            case "member_mute_video", "member_unmute_video" -> List.of(event("camera_toggled", session, member,
                    Map.of("is_camera_on", method.startsWith("member_unmute"), "by", p.path("by_admin").asBoolean() ? "remote" : "self")));
            case "member_start_screen_share", "member_stop_screen_share" -> List.of(event(
                    method.startsWith("member_start") ? "screen_share_started" : "screen_share_stopped", session, member,
                    Map.of("share_id", CallSessions.shareId(member))));
            case "member_connection_quality" -> List.of(event("connection_quality_changed", session, member,
                    Map.of("connection_quality", p.path("quality").asText())));
            case "room_ended" -> List.of(new Notification("session_ended", Map.of("session_id", session)));
            default -> List.of();
        };
    }

    private static Notification event(String name, String session, String participant, Map<String, Object> more) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("session_id", session);
        params.put("participant_id", participant);
        params.putAll(more);
        return new Notification(name, params);
    }
}
