package io.atrium.server.room;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Something that happened in a room, as webhooks tell it (docs/OPERATIONS.md, "Webhooks"): a dotted
 * {@code type} and its {@code data}, which always names the room. Made here and by the WHIP/WHEP edge;
 * heard through {@link RoomListener#event}.
 */
public record RoomEvent(String type, UUID room, Map<String, Object> data) {

    /** Members that join over the WebSocket protocol. */
    public static final String WEBRTC = "webrtc";

    public RoomEvent {
        data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public static RoomEvent roomStarted(UUID room) {
        return of("room.started", room);
    }

    public static RoomEvent roomEnded(UUID room) {
        return of("room.ended", room);
    }

    /** {@code kind}: {@link #WEBRTC}, {@code whip} or {@code whep}. */
    public static RoomEvent memberJoined(UUID room, String identity, String name, String kind) {
        return of("member.joined", room, "identity", identity, "name", name, "kind", kind);
    }

    public static RoomEvent memberLeft(UUID room, String identity, String kind) {
        return of("member.left", room, "identity", identity, "kind", kind);
    }

    /** Someone is in the waiting room, to be admitted or rejected by an admin. */
    public static RoomEvent memberWaiting(UUID room, String identity, String name) {
        return of("member.waiting", room, "identity", identity, "name", name);
    }

    /** {@code kind} audio or video; {@code source} microphone, camera or screen. */
    public static RoomEvent trackPublished(UUID room, String identity, String track, String kind, String source) {
        return of("track.published", room, "identity", identity, "track", track, "kind", kind, "source", source);
    }

    public static RoomEvent trackUnpublished(UUID room, String identity, String track, String kind, String source) {
        return of("track.unpublished", room, "identity", identity, "track", track, "kind", kind, "source", source);
    }

    /** {@code track.published} or {@code track.unpublished} for one of {@code m}'s tracks. */
    static RoomEvent track(boolean published, UUID room, Member m, io.atrium.server.sfu.Receiver r) {
        String kind = r.info().kind() == io.atrium.server.sfu.MediaKind.AUDIO ? "audio" : "video";
        return published ? trackPublished(room, m.callId, r.info().id(), kind, m.source(r))
                : trackUnpublished(room, m.callId, r.info().id(), kind, m.source(r));
    }

    private static RoomEvent of(String type, UUID room, String... pairs) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("room", room.toString());
        for (int i = 0; i < pairs.length; i += 2) {
            data.put(pairs[i], pairs[i + 1] == null ? "" : pairs[i + 1]);
        }
        return new RoomEvent(type, room, data);
    }
}
