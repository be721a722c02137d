package io.atrium.server.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened (sockets, peers) after each test, in the order opened:
 * {@code @RegisterExtension final Closer open = new Closer();} then {@code open.track(client)}.
 */
public final class Closer implements AfterEachCallback {

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Closes {@code c} after this test; returns it. */
    public <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (AutoCloseable c : open) {
                c.close();
            }
        } finally {
            open.clear();
        }
    }
}
