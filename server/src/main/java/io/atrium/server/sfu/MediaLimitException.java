package io.atrium.server.sfu;

/**
 * An offer asks for more than one peer may have (too many tracks, simulcast layers or SSRCs: 400), or
 * its sender already has too many peers still connecting (429), or the media plane takes no more peers
 * because the server is stopping (503, {@code unavailable}). The message says which bound, its value and
 * what to do; {@link #code()} names it for the HTTP error envelope.
 */
public final class MediaLimitException extends RuntimeException {

    private final int status;
    private final String code;

    public MediaLimitException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** 400 for an offer that is too big, 429 for too many peers still connecting, 503 while the server stops. */
    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
