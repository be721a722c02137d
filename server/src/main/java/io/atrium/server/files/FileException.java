package io.atrium.server.files;

import java.util.Locale;

/**
 * The one exception of the files layer: what went wrong, as an HTTP status and a stable code. The
 * code is contract 003's ({@code FILE_TOO_LARGE}, {@code INVALID_FILE_TYPE}, ...); the native API
 * shows it in lower case ({@link #nativeCode()}). Messages are safe to show to clients.
 */
public final class FileException extends RuntimeException {

    /** The kinds of failure, each with its status and contract 003 code. */
    public enum Kind {
        /** Not multipart/form-data, malformed multipart, no {@code file} part, empty file, bad range of ids. */
        INVALID_INPUT(400, "INVALID_INPUT"),
        /** The content is not an MP4/MOV/WebM/Matroska file, or is truncated or damaged. */
        INVALID_FILE_TYPE(400, "INVALID_FILE_TYPE"),
        /** Missing, expired or wrong token, signature or credentials for a file. */
        UNAUTHORIZED(401, "UNAUTHORIZED"),
        /** No such file. */
        NOT_FOUND(404, "NOT_FOUND"),
        /** The upload passed {@code files.max_upload_bytes}. */
        FILE_TOO_LARGE(413, "FILE_TOO_LARGE"),
        /** The upload would pass the room's or the server's storage quota (files.max_room_bytes, max_total_bytes). */
        QUOTA_EXCEEDED(413, "QUOTA_EXCEEDED"),
        /** A byte range that starts past the end of the file. */
        RANGE_NOT_SATISFIABLE(416, "RANGE_NOT_SATISFIABLE"),
        /** Storage or database failure; nothing was kept. */
        INTERNAL_ERROR(500, "INTERNAL_ERROR");

        private final int status;
        private final String code;

        Kind(int status, String code) {
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }

    private final Kind kind;

    public FileException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public FileException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public int status() {
        return kind.status();
    }

    /** Contract 003's code, e.g. {@code FILE_TOO_LARGE}. */
    public String code() {
        return kind.code();
    }

    /** The native API's code, e.g. {@code file_too_large}. */
    public String nativeCode() {
        return kind.code().toLowerCase(Locale.ROOT);
    }

    static FileException invalidInput(String message) {
        return new FileException(Kind.INVALID_INPUT, message);
    }

    static FileException invalidType(String message) {
        return new FileException(Kind.INVALID_FILE_TYPE, message);
    }
}
