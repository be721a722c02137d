package io.atrium.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.ChildServer;
import io.atrium.server.testing.Postgres;
import io.atrium.server.testing.Uploads;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file larger than the server's whole heap goes into PostgreSQL and comes back out ({@code files.storage: database}):
 * a server JVM with {@code -Xmx256m} ({@link ChildServer}) takes a 300 MiB upload and serves it whole, byte-identical
 * (SHA-256), and by range. Holding the file in memory on either way would fail with an OutOfMemoryError.
 */
class DatabaseFileMemoryTest {

    private static final long MDAT_BYTES = 300L * 1024 * 1024;

    @TempDir
    Path dataDir;

    @Test
    void aFileLargerThanTheHeapIsStoredAndServedFromTheDatabase() throws Exception {
        String limit = String.valueOf(400L * 1024 * 1024);
        try (ChildServer server = ChildServer.start(dataDir, Map.of(
                "ATRIUM_DATABASE_URL", Postgres.get().newDatabase(),
                "ATRIUM_DATABASE_USERNAME", Postgres.USER,
                "ATRIUM_DATABASE_PASSWORD", Postgres.PASSWORD,
                "ATRIUM_FILES_STORAGE", "database",
                "ATRIUM_FILES_MAX_UPLOAD_BYTES", limit,
                "ATRIUM_FILES_MAX_ROOM_BYTES", limit,
                "ATRIUM_FILES_MAX_TOTAL_BYTES", limit))) {
            String room = Uploads.createRoom(server.uri("/"), ChildServer.BASIC, "large");
            GeneratedBody body = new GeneratedBody(MDAT_BYTES);
            String response;
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(300_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/rooms/" + room + "/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + ChildServer.BASIC
                        + "\r\nContent-Type: " + Form.CONTENT_TYPE + "\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                body.transferTo(out);
                out.flush();
                response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(response).startsWith("HTTP/1.1 201").contains("\"size\":" + body.fileSize());
            String url = response.replaceAll("(?s).*\"url\":\"([^\"]+)\".*", "$1");

            HttpResponse<InputStream> whole = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri(url)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(whole.statusCode()).isEqualTo(200);
            MessageDigest served = MessageDigest.getInstance("SHA-256");
            long size;
            try (InputStream in = whole.body()) {
                size = in.transferTo(digesting(served));
            }
            assertThat(size).isEqualTo(body.fileSize());
            assertThat(HexFormat.of().formatHex(served.digest())).isEqualTo(fileDigest());

            long last = body.fileSize() - 1;
            HttpResponse<byte[]> tail = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri(url))
                    .header("Range", "bytes=" + (last - 199) + "-" + last).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(tail.statusCode()).isEqualTo(206);
            assertThat(new String(tail.body(), StandardCharsets.ISO_8859_1)).contains("moov").contains("mvhd");
            assertThat(server.output()).noneMatch(line -> line.contains("OutOfMemoryError"));
        }
    }

    /** SHA-256 of the MP4 inside {@link GeneratedBody}'s form: its bytes between the part's header and the closing boundary. */
    private static String fileDigest() throws Exception {
        GeneratedBody body = new GeneratedBody(MDAT_BYTES);
        long start = body.length() - body.fileSize() - ("\r\n--" + Form.BOUNDARY + "--\r\n").length();
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        body.skipNBytes(start);
        byte[] buffer = new byte[1 << 16];
        for (long left = body.fileSize(); left > 0; ) {
            int n = body.read(buffer, 0, (int) Math.min(buffer.length, left));
            expected.update(buffer, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(expected.digest());
    }

    private static OutputStream digesting(MessageDigest digest) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
            }
        };
    }
}
