package io.atrium.server.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The committed test clips under src/test/resources/media (see the README there). */
final class Media {

    private Media() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Media.class.getResourceAsStream("/media/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test clip " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
