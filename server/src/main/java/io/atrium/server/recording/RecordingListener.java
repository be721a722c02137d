package io.atrium.server.recording;

import io.atrium.server.store.RecordingRow;
import io.atrium.server.store.VideoFile;
import java.util.List;

/** Hears what happens to recordings (the webhooks; the room's members). Called on the thread that did it. */
public interface RecordingListener {

    /** A recording started. */
    default void started(RecordingRow recording) {
    }

    /** One track stopped recording early (its queue was full or its file could not be written). */
    default void trackFailed(RecordingRow recording, String trackId, String reason) {
    }

    /** A recording stopped (finishing follows). */
    default void stopped(RecordingRow recording) {
    }

    /** A recording is finished: its files are stored as video files of the room ({@code recording.state()} says how it went). */
    default void finished(RecordingRow recording, List<VideoFile> files) {
    }
}
