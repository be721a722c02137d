package io.atrium.server.room;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Recording as a room's admins drive it from the room protocol ({@code start_recording}, {@code stop_recording}):
 * the port {@code recording/RecordingService} implements, so {@code room} does not depend on it. Called on the
 * room's executor; failures are {@link RpcException}s.
 */
public interface RoomRecorder {

    /** No recording on this server: both methods answer 501. */
    RoomRecorder NONE = new RoomRecorder() {
        @Override
        public Map<String, Object> start(UUID room) {
            throw new RpcException(501, "recording is not available on this server");
        }

        @Override
        public Map<String, Object> stop(UUID room) {
            throw new RpcException(501, "recording is not available on this server");
        }
    };

    /** Starts recording {@code room}: {@code {recording_id}}; 409 when it is already being recorded. */
    Map<String, Object> start(UUID room);

    /** Stops the room's recording: {@code {recording_id}}; 409 when it is not being recorded. */
    Map<String, Object> stop(UUID room);

    /** The id of the room's running recording, if it is being recorded (told to members as they join). */
    default Optional<String> recordingId(UUID room) {
        return Optional.empty();
    }
}
