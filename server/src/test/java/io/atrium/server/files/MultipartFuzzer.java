package io.atrium.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link MultipartReader} (RFC 7578 over Jetty's parser) as the upload
 * path uses it: every part in turn, its Content-Disposition, its file name sanitized, its content read, the
 * body delivered in reads of a fuzzer-chosen size under a fuzzer-chosen body limit. A body is read or refused
 * with a {@link FileException} (400 or 413); nothing else escapes, no part yields more bytes than the body
 * has, and a refused body was refused for a reason a client can read.
 */
public class MultipartFuzzer {

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) throws IOException {
        int readSize = data.consumeInt(1, 512);
        long maxBody = data.consumeLong(0, 1 << 16);
        byte[] body = data.consumeRemainingAsBytes();
        MultipartReader reader = new MultipartReader(new Reads(body, readSize), Form.BOUNDARY, maxBody);
        long read = 0;
        try {
            for (MultipartReader.Part part; (part = reader.next()) != null; ) {
                assertThat(part.name()).isNotNull();
                assertThat(Filenames.sanitize(part.filename(), Container.MP4)).isNotBlank();
                byte[] content = part.content().readAllBytes();
                read += content.length;
                assertThat(read).isLessThanOrEqualTo(body.length);
            }
            assertThat(reader.complete()).isTrue();
        } catch (FileException refused) {
            assertThat(refused.status()).isIn(400, 413);
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    /** The body in reads of at most {@code size} bytes, as a socket delivers it. */
    private static final class Reads extends InputStream {
        private final byte[] body;
        private final int size;
        private int pos;

        Reads(byte[] body, int size) {
            this.body = body;
            this.size = size;
        }

        @Override
        public int read() {
            return pos < body.length ? body[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= body.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, size), body.length - pos);
            System.arraycopy(body, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
