package io.atrium.server.recording;

import java.io.IOException;

/** A track file or recording that cannot be read or finished, with a message a person can act on. */
public final class TrackFileException extends IOException {
    public TrackFileException(String message) {
        super(message);
    }

    public TrackFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
