package io.atrium.server.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling waits for tests: a condition within 10 s, or a plain sleep. */
public final class Waits {

    private Waits() {
    }

    public static void waitUntil(BooleanSupplier condition, String what) {
        waitUntil(condition, what, Duration.ofSeconds(10));
    }

    /** {@code condition} within {@code limit} (for what takes retries with backoff). */
    public static void waitUntil(BooleanSupplier condition, String what, Duration limit) {
        waitUntil(condition, () -> what, limit);
    }

    /** {@code condition} within {@code limit}; {@code what} is asked only on a timeout (e.g. a peer's log by then). */
    public static void waitUntil(BooleanSupplier condition, Supplier<String> what, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            sleep(20);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
