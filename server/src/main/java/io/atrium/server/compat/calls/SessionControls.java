package io.atrium.server.compat.calls;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.edge.RateLimiter;
import io.atrium.server.room.MemberState;
import io.atrium.server.room.RoomService;
import io.atrium.server.room.RpcException;
import io.atrium.server.store.CallSessionStore;
import io.atrium.server.store.CallSessionStore.CallSession;
import io.atrium.server.store.RoomStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contract 003's control commands — remote mute, unmute, end session — in one place for both ways in:
 * the HTTP calls ({@code POST …/mute|unmute}, {@code DELETE session/:id}) and the same commands on
 * the room socket ({@code mute_participant}, {@code unmute_participant}, {@code end_session}, see
 * {@link CallEvents}). The caller's right to operate is checked by each way in; here: which session,
 * the per-session rate limit, the request's fields, the effect and the answer. Never blocks: the room
 * work completes the returned future; failures are {@link CallException}.
 */
final class SessionControls {

    private static final Logger log = LoggerFactory.getLogger(SessionControls.class);

    private final CallSessionStore sessions;
    private final RoomStore rooms;
    private final RoomService live;
    private final RateLimiter controlLimit;

    SessionControls(CallSessionStore sessions, RoomStore rooms, RoomService live, RateLimiter controlLimit) {
        this.sessions = sessions;
        this.rooms = rooms;
        this.live = live;
        this.controlLimit = controlLimit;
    }

    /** The session named {@code value} (ended or not), or {@code 404 SESSION_NOT_FOUND}. */
    CallSession session(String value) {
        return CallSessions.parseUuid(value).flatMap(sessions::find)
                .orElseThrow(() -> CallException.sessionNotFound("session " + abbreviate(value) + " not found"));
    }

    /** The session named {@code value} while it is active, else {@code 404 SESSION_NOT_FOUND}. */
    CallSession active(String value) {
        CallSession s = session(value);
        if (s.ended() || rooms.find(s.id()).isEmpty()) {
            throw CallException.sessionNotFound("session " + s.id() + " has ended");
        }
        return s;
    }

    /**
     * Mutes ({@code mute}) or unmutes {@code body.participant_id}'s microphone as an admin, idempotent:
     * {@code {success, participant_id, is_muted, muted_by_admin}}. {@code 429}, {@code 400} without a
     * participant id, {@code 404 PARTICIPANT_NOT_FOUND} when nobody of that id is in the call.
     */
    CompletableFuture<Map<String, Object>> mute(CallSession s, JsonNode body, boolean mute) {
        limit(s);
        String participant = CallSessions.optionalString(body, "participant_id", CallSessions.MAX_PARTICIPANT_ID)
                .filter(p -> !p.isBlank()).orElseThrow(() -> CallException.invalid("Missing participant_id in request body"));
        return live.setMutedByAdmin(s.id(), participant, true, mute).handle((MemberState state, Throwable error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                throw cause instanceof RpcException ? CallException.participantNotFound(participant)
                        : cause instanceof RuntimeException r ? r : new CompletionException(cause);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("success", true);
            result.put("participant_id", participant);
            result.put("is_muted", state.audioMuted());
            result.put("muted_by_admin", state.audioMutedByAdmin());
            return result;
        });
    }

    /**
     * Ends the session: marked ended, then its room (everyone in it is told and disconnected; a
     * watcher first hears each participant leave). {@code {success, session_id, ended_at}}; ending an
     * ended session answers the same {@code ended_at}.
     */
    CompletableFuture<Map<String, Object>> end(CallSession s) {
        limit(s);
        CallSession ended = sessions.end(s.id()).orElseThrow(() -> CallException.sessionNotFound("session not found"));
        return live.end(s.id()).thenApply(removed -> {
            log.info("video call session {} ended, {} participants disconnected", s.id(), removed);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("success", true);
            result.put("session_id", s.id().toString());
            result.put("ended_at", ended.endedAt());
            return result;
        });
    }

    private void limit(CallSession s) {
        CallSessions.limit(controlLimit, "control:" + s.id(), "control commands per session");
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    /** For the socket: the session a command names must be the one the socket is admitted to. */
    static void sameSession(JsonNode body, UUID room) {
        Optional<String> named = CallSessions.optionalString(body, "session_id", 64);
        if (named.isPresent() && !named.get().equalsIgnoreCase(room.toString())) {
            throw CallException.invalid("session_id is not the session of this socket's token");
        }
    }
}
