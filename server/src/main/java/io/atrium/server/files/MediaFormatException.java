package io.atrium.server.files;

/** The bytes are not a well-formed file of an accepted container; the message says what is wrong. */
public final class MediaFormatException extends Exception {

    public MediaFormatException(String message) {
        super(message);
    }
}
