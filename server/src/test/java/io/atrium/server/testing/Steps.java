package io.atrium.server.testing;

import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For an ordered test class whose steps build on each other (one meeting used step by step): once a
 * step fails, every later step fails at once with a message naming it, instead of running on
 * half-built state into NullPointerExceptions. Register as an instance field with
 * {@code @RegisterExtension}.
 */
public final class Steps implements TestWatcher, BeforeTestExecutionCallback {

    private volatile String failed;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (failed == null) {
            String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
            failed = context.getDisplayName() + " (" + cause.getClass().getSimpleName() + ": " + message + ")";
        }
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        if (failed != null) {
            throw new AssertionError("not run: it builds on an earlier step that failed: " + failed);
        }
    }
}
