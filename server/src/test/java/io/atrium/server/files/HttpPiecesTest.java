package io.atrium.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Range headers, Content-Disposition, file names, signed URLs and the multipart reader, each alone. */
class HttpPiecesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "null               | FULL",
            "bytes=0-99         | 0-99",
            "bytes=0-0          | 0-0",
            "bytes=900-         | 900-999",
            "bytes=-100         | 900-999",
            "bytes=-5000        | 0-999",
            "bytes=990-5000     | 990-999",
            "BYTES = 1 - 2      | 1-2",
            "bytes=999-999      | 999-999",
            "bytes=1000-        | UNSATISFIABLE",
            "bytes=5000-6000    | UNSATISFIABLE",
            "bytes=-0           | UNSATISFIABLE",
            "bytes=99999999999999999999- | UNSATISFIABLE",
            "bytes=0-99999999999999999999 | 0-999",
            "bytes=5-1          | FULL",
            "bytes=0-1,3-4      | FULL",
            "bytes=-            | FULL",
            "bytes=a-b          | FULL",
            "items=0-1          | FULL",
            "bytes 0-1          | FULL",
    })
    void rangeHeaders(String header, String expected) {
        RangeRequest r = RangeRequest.parse(header, 1000);
        String got = r instanceof RangeRequest.Part p ? p.first() + "-" + p.last()
                : r instanceof RangeRequest.Unsatisfiable ? "UNSATISFIABLE" : "FULL";
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void contentDispositionParameters() {
        ContentDisposition d = ContentDisposition.parse("form-data; name=\"file\"; filename=\"a \\\"b\\\".mp4\"");
        assertThat(d.type()).isEqualTo("form-data");
        assertThat(d.name()).isEqualTo("file");
        assertThat(d.filename()).isEqualTo("a \"b\".mp4");
        assertThat(ContentDisposition.parse("form-data; name=file; filename=C:\\dir\\x.mov").filename()).isEqualTo("C:\\dir\\x.mov");
        assertThat(ContentDisposition.parse("form-data; name=\"file\"; filename=\"x.mp4\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.mp4")
                .filename()).isEqualTo("\u65e5\u672c.mp4");
        assertThat(ContentDisposition.parse("form-data; name=\"file\"; filename=\"x.mp4\"; filename*=ISO-8859-1''%E9.mp4").filename())
                .isEqualTo("x.mp4");
        assertThat(ContentDisposition.parse("Form-Data;name=\"f\";junk;filename=\"y\"").name()).isEqualTo("f");
        assertThat(ContentDisposition.parse("attachment").type()).isEqualTo("attachment");
        assertThat(ContentDisposition.parse("").name()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "../../etc/passwd        | passwd",
            "C:\\x\\y.mp4            | y.mp4",
            "/abs/path/z.webm        | z.webm",
            "'  spaced   out .mkv  ' | spaced out .mkv",
            "..                      | video.mp4",
            ".hidden.mp4             | hidden.mp4",
            "dir/                    | video.mp4",
    })
    void fileNames(String raw, String expected) {
        assertThat(Filenames.sanitize(raw, Container.MP4)).isEqualTo(expected);
    }

    @Test
    void fileNamesLoseControlAndBidiCharacters() {
        assertThat(Filenames.sanitize("a\0b\nc\r\td\u0085e.mp4", Container.MP4)).isEqualTo("ab c de.mp4");
        assertThat(Filenames.sanitize("invoice\u202Efdp.exe", Container.MP4)).isEqualTo("invoicefdp.exe");
        assertThat(Filenames.sanitize(null, Container.WEBM)).isEqualTo("video.webm");
        assertThat(Filenames.sanitize("\uD83C\uDFAC clip.mp4", Container.MP4)).isEqualTo("\uD83C\uDFAC clip.mp4");
        assertThat(Filenames.sanitize("x".repeat(500) + ".mkv", Container.MATROSKA)).hasSize(Filenames.MAX_LENGTH).endsWith("x.mkv");
        assertThat(Filenames.ascii("caf\u00e9 \"1\"%.mp4")).isEqualTo("caf_ _1__.mp4");
    }

    @Test
    void signedUrlsExpireAndSurviveKeyRotation() {
        UUID id = UUID.randomUUID();
        Clock t0 = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
        FileUrls urls = new FileUrls(Map.of("a-key", "secret-a", "b-key", "secret-b"), 600, t0);
        FileUrls.Signed signed = urls.sign(id);
        assertThat(signed.url()).startsWith("/files/" + id + "?expires=1700000600&sig=");
        assertThat(signed.expiresAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_600));
        String sig = signed.url().substring(signed.url().indexOf("sig=") + 4);
        urls.verify(id, "1700000600", sig);
        // the same URL, checked by a server that also has a newer key, or only the signing key
        new FileUrls(Map.of("a-key", "secret-a", "0-new", "secret-new"), 600, t0).verify(id, "1700000600", sig);
        assertThatThrownBy(() -> new FileUrls(Map.of("b-key", "secret-b"), 600, t0).verify(id, "1700000600", sig))
                .hasMessageContaining("signature is invalid");
        assertThatThrownBy(() -> urls.verify(id, "1700000601", sig)).hasMessageContaining("signature is invalid");
        assertThatThrownBy(() -> urls.verify(UUID.randomUUID(), "1700000600", sig)).hasMessageContaining("signature is invalid");
        assertThatThrownBy(() -> urls.verify(id, "soon", sig)).hasMessageContaining("not a number");
        FileUrls later = new FileUrls(Map.of("a-key", "secret-a"), 600, Clock.offset(t0, java.time.Duration.ofSeconds(600)));
        assertThatThrownBy(() -> later.verify(id, "1700000600", sig)).isInstanceOf(FileException.class)
                .hasMessageContaining("expired").extracting(e -> ((FileException) e).status()).isEqualTo(401);
    }

    /** The reader gets the same parts however the body is cut into reads: one byte at a time, or 3 bytes. */
    @ParameterizedTest
    @CsvSource({"1", "3", "70", "65536"})
    void multipartPartsSurviveAnyReadSizes(int readSize) throws IOException {
        byte[] video = new byte[5000];
        new java.util.Random(1).nextBytes(video);
        // content that looks like a boundary start, a CR at chunk ends, and LF-only framing is allowed
        byte[] tricky = ("\r\n--" + Form.BOUNDARY.substring(0, 10) + "x\r").getBytes(StandardCharsets.US_ASCII);
        byte[] content = Boxes.concat(video, tricky, video);
        byte[] body = new Form().field("note", "hello").file("v.mp4", content).field("after", "x").end();
        MultipartReader reader = new MultipartReader(new Trickle(body, readSize), Form.BOUNDARY, 1 << 20);
        MultipartReader.Part note = reader.next();
        assertThat(note.name()).isEqualTo("note");
        assertThat(note.filename()).isNull();
        MultipartReader.Part file = reader.next();
        assertThat(file.name()).isEqualTo("file");
        assertThat(file.filename()).isEqualTo("v.mp4");
        assertThat(file.content().readAllBytes()).isEqualTo(content);
        assertThat(reader.next().name()).isEqualTo("after");
        assertThat(reader.next()).isNull();
        assertThat(reader.complete()).isTrue();
    }

    @Test
    void multipartLimitsAndDamage() {
        byte[] body = Form.upload("v.mp4", new byte[10_000]);
        assertThatThrownBy(() -> {
            MultipartReader r = new MultipartReader(new ByteArrayInputStream(body), Form.BOUNDARY, 5000);
            r.next().content().readAllBytes();
        }).isInstanceOf(FileException.class).extracting(e -> ((FileException) e).code()).isEqualTo("FILE_TOO_LARGE");

        Form many = new Form();
        for (int i = 0; i <= MultipartReader.MAX_PARTS; i++) {
            many.field("f" + i, "x");
        }
        byte[] tooMany = many.end();
        assertThatThrownBy(() -> {
            MultipartReader r = new MultipartReader(new ByteArrayInputStream(tooMany), Form.BOUNDARY, 1 << 20);
            while (r.next() != null) {
                // skip
            }
        }).isInstanceOf(FileException.class).hasMessageContaining("too many");

        byte[] cut = java.util.Arrays.copyOf(body, body.length - 10);
        assertThatThrownBy(() -> {
            MultipartReader r = new MultipartReader(new ByteArrayInputStream(cut), Form.BOUNDARY, 1 << 20);
            r.next().content().readAllBytes();
            r.next();
        }).isInstanceOf(FileException.class).hasMessageContaining("malformed");

        assertThatThrownBy(() -> new MultipartReader(new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        }, Form.BOUNDARY, 1 << 20).next()).isInstanceOf(MultipartReader.ClientAbortException.class);
    }

    /** Hands out at most {@code step} bytes per read. */
    private static final class Trickle extends InputStream {
        private final byte[] data;
        private final int step;
        private int position;

        Trickle(byte[] data, int step) {
            this.data = data;
            this.step = step;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, step), data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }
}
