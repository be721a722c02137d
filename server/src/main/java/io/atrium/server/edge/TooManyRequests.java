package io.atrium.server.edge;

/**
 * A request refused by a rate limit; each edge answers it in its own dialect with status 429 and
 * {@code Retry-After: retryAfterSeconds}.
 */
public final class TooManyRequests extends RuntimeException {

    public final long retryAfterSeconds;

    public TooManyRequests(long retryAfterSeconds, String message) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }
}
