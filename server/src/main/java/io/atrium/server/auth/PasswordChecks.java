package io.atrium.server.auth;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one rule for checking guessable secrets with Argon2id (docs/SECURITY.md, findings 5 and 21): the
 * guess is counted as a failure <em>before</em> the hash, against the caller's {@link Budget}, and given
 * back when it proves right, so a burst of guesses in flight uses up the budget as the guesses would; the
 * hash runs only on this bounded pool ({@code rooms.password_hash_threads} threads, a queue of
 * {@code rooms.password_hash_queue}), never on a request thread or a room's executor, and a full queue is
 * refused at once. One pool for the server: the room protocol's {@code authenticate} and the web app's
 * sign-in ({@code POST /web/meetings}) share it.
 */
public final class PasswordChecks implements AutoCloseable {

    /** Where a caller counts failed guesses; {@link #take} throws the caller's own refusal when none is left. */
    public interface Budget {
        /** Counts one guess as failed; throws (the caller's 429) when the budget is used up. */
        void take();

        /** Gives back a guess that {@link #take} counted. */
        void refund();
    }

    /** The pool's queue is full: nothing was counted, the caller answers 429. */
    public static final class Busy extends RuntimeException {
        Busy() {
            super("too many requests", null, false, false);
        }
    }

    private final ThreadPoolExecutor pool;

    public PasswordChecks(int threads, int queue) {
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, "atrium-password");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Takes a guess from {@code budget}, then runs {@code work} (which hashes) on the pool; completes with
     * its result, and refunds the guess when {@code right} says the result proved the secret. A
     * {@code work} that throws leaves the guess counted. Throws what {@code budget} throws, or
     * {@link Busy} (the guess given back) when the queue is full.
     */
    public <T> CompletableFuture<T> check(Budget budget, Supplier<T> work, Predicate<? super T> right) {
        budget.take();
        CompletableFuture<T> result;
        try {
            result = CompletableFuture.supplyAsync(work, pool);
        } catch (RejectedExecutionException e) {
            budget.refund();
            throw new Busy();
        }
        return result.whenComplete((value, error) -> {
            if (error == null && right.test(value)) {
                budget.refund();
            }
        });
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
