package io.atrium.server.recording;

import io.atrium.server.room.RoomService;
import io.atrium.server.store.RecordingRow;
import java.util.Map;

/**
 * Tells everyone in a room when it starts and stops being recorded (people must know): the notifications
 * {@code recording_started} and {@code recording_stopped} with {@code {recording_id}} and, for a recording that
 * stopped by itself at a bound, {@code reason} (docs/PROTOCOL.md); the web
 * app shows a "Recording" indicator between them.
 */
public final class RecordingNotices implements RecordingListener {

    private final RoomService rooms;

    public RecordingNotices(RoomService rooms) {
        this.rooms = rooms;
    }

    @Override
    public void started(RecordingRow r) {
        rooms.announce(r.room(), "recording_started", Map.of("recording_id", r.id().toString()));
    }

    @Override
    public void stopped(RecordingRow r) {
        rooms.announce(r.room(), "recording_stopped", r.error() == null ? Map.of("recording_id", r.id().toString())
                : Map.of("recording_id", r.id().toString(), "reason", r.error()));
    }
}
