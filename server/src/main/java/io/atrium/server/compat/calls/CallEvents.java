package io.atrium.server.compat.calls;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.edge.Json;
import io.atrium.server.room.EventDialect;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Contract 003's control-center events, as an {@link EventDialect} named {@value #NAME}: a watcher
 * that sends {@code watch_room {auth_token, events: "video_call"}} gets, after each native room
 * notification, the 003 event it means (docs/CONTRACTS.md has the table). Every event carries
 * {@code session_id} and {@code participant_id}.
 */
final class CallEvents implements EventDialect {

    static final String NAME = "video_call";

    @Override
    public List<Notification> translate(UUID room, String method, Object params) {
        JsonNode p = Json.MAPPER.valueToTree(params);
        String session = String.valueOf(room);
        String member = p.path("member").asText(p.path("id").asText());
        return switch (method) {
            case "member_join_room" -> List.of(event("participant_joined", session, p.path("id").asText(),
                    Map.of("participant", VideoCallApi.participant(p, Instant.now()))));
            case "member_leave_room" -> List.of(event("participant_left", session, member,
                    Map.of("removed", p.path("by_admin").asBoolean())));
            case "member_mute_audio", "member_unmute_audio" -> List.of(event(
                    method.startsWith("member_mute") ? "participant_muted" : "participant_unmuted", session, member,
                    Map.of("is_muted", method.startsWith("member_mute"), "by", p.path("by_admin").asBoolean() ? "remote" : "self")));
            case "member_mute_video", "member_unmute_video" -> List.of(event("camera_toggled", session, member,
                    Map.of("is_camera_on", method.startsWith("member_unmute"), "by", p.path("by_admin").asBoolean() ? "remote" : "self")));
            case "member_start_screen_share", "member_stop_screen_share" -> List.of(event(
                    method.startsWith("member_start") ? "screen_share_started" : "screen_share_stopped", session, member,
                    Map.of("share_id", VideoCallApi.shareId(member))));
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
