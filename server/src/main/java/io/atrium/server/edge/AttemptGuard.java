package io.atrium.server.edge;

import java.time.Clock;

/**
 * Guessing costs a client address its access: endpoints that check a secret or look up something
 * guessable (passcodes, meeting ids, identities) call {@link #admit} before the check and
 * {@link #failed} when the guess was wrong. Past {@code failuresPerMinute} wrong guesses from an
 * address, or {@code requestsPerMinute} requests, every guarded request from it gets 429 until the
 * window has room again (the right answer too, so the limit is not an oracle). One guard is shared
 * by every facade, so a guesser cannot spread its attempts over endpoints.
 */
public final class AttemptGuard {

    private final RateLimiter requests;
    private final RateLimiter failures;

    public AttemptGuard(int requestsPerMinute, int failuresPerMinute, Clock clock) {
        this.requests = new RateLimiter(requestsPerMinute, clock);
        this.failures = new RateLimiter(failuresPerMinute, clock);
    }

    /** Counts a request from {@code address}; throws {@link TooManyRequests} when it is over a limit. */
    public void admit(String address) {
        long wait = failures.retryAfter(address);
        if (wait > 0) {
            throw failedTooOften(wait);
        }
        wait = requests.acquire(address);
        if (wait > 0) {
            throw new TooManyRequests(wait, "too many requests from this address (" + requests.perMinute()
                    + " per minute); retry in " + wait + " s");
        }
    }

    /**
     * Counts a guess from {@code address} as wrong before it is checked, so guesses in flight use up the
     * budget too; throws {@link TooManyRequests} when none is left. {@link #refund} it when it was right.
     */
    public void guess(String address) {
        long wait = failures.acquire(address);
        if (wait > 0) {
            throw failedTooOften(wait);
        }
    }

    /** Gives back a {@link #guess} that proved right. */
    public void refund(String address) {
        failures.refund(address);
    }

    private TooManyRequests failedTooOften(long wait) {
        return new TooManyRequests(wait, "too many failed attempts from this address (" + failures.perMinute()
                + " per minute); retry in " + wait + " s");
    }

    /** Records a wrong guess (passcode, credentials, unknown id) from {@code address}. */
    public void failed(String address) {
        failures.acquire(address);
    }
}
