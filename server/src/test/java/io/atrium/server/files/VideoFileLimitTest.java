package io.atrium.server.files;

import static io.atrium.server.files.VideoFilesApiTest.filesOnDisk;
import static io.atrium.server.files.VideoFilesApiTest.json;
import static io.atrium.server.files.VideoFilesApiTest.upload;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** files.max_upload_bytes (1 MiB here): refused as soon as it is passed, the rest never read, nothing kept. */
class VideoFileLimitTest {

    private static final long LIMIT = 1024 * 1024;
    private static final long SENT = 150L * 1024 * 1024;
    private static TestServer server;
    private static String room;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(VideoFileUploadTest.withLimit(Files.createTempDirectory("atrium-limit-"), LIMIT));
        room = server.createRoom("limits");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aFileOfExactlyTheLimitIsAcceptedOneByteMoreIsNot() throws IOException {
        byte[] fixed = Boxes.mp4(1000, 2000, 0);
        byte[] atLimit = Boxes.mp4(1000, 2000, (int) (LIMIT - fixed.length));
        assertThat(atLimit).hasSize((int) LIMIT);
        HttpResponse<String> ok = upload(server, room, Form.upload("limit.mp4", atLimit));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        assertThat(json(ok).at("/file/size").asLong()).isEqualTo(LIMIT);
        server.delete("/v1/rooms/" + room + "/files/" + json(ok).at("/file/file_id").asText());

        HttpResponse<String> over = upload(server, room, Form.upload("over.mp4", Boxes.mp4(1000, 2000, (int) (LIMIT - fixed.length + 1))));
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(json(over).at("/error/code").asText()).isEqualTo("file_too_large");
        assertThat(filesOnDisk(server)).isEmpty();
    }

    /** A declared Content-Length above the limit is refused before a byte of the body is read. */
    @Test
    void aDeclaredLengthAboveTheLimitIsRefusedAtOnce() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.server().httpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(headers("Content-Length: " + SENT));
            String response = readResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413").contains("file_too_large");
            assertThat(socket.getInputStream().read()).as("the server closed the connection").isEqualTo(-1);
        }
        assertThat(filesOnDisk(server)).isEmpty();
    }

    /**
     * 150 MiB streamed (chunked, no length) at a 1 MiB limit: the 413 comes while the client is still
     * sending, the server closes the connection, and the client could write only a few MiB (about 4 MiB on
     * loopback: what the socket buffers hold) — the server stopped reading. No partial or temporary file is left.
     */
    @Test
    void aStreamedBodyPastTheLimitIsCutOffAndLeavesNothing() throws Exception {
        GeneratedBody body = new GeneratedBody(SENT);
        AtomicLong written = new AtomicLong();
        try (Socket socket = new Socket("127.0.0.1", server.server().httpPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(headers("Transfer-Encoding: chunked"));
            CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
                byte[] buffer = new byte[64 * 1024];
                try {
                    for (int n; (n = body.read(buffer, 0, buffer.length)) > 0; ) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(buffer, 0, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        written.addAndGet(n);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            String response = readResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413").contains("\"code\":\"file_too_large\"");
            Throwable ended = writer.get(20, TimeUnit.SECONDS);
            assertThat(ended).as("the server closed the connection while the client was still sending").isInstanceOf(IOException.class);
        }
        assertThat(written.get()).as("bytes the client managed to send").isLessThan(16L * 1024 * 1024);
        assertThat(filesOnDisk(server)).isEmpty();
        assertThat(server.get("/v1/rooms/" + room + "/files").json().get("files")).isEmpty();
        assertThat(server.get("/healthz").status()).isEqualTo(200);
    }

    private byte[] headers(String lengthHeader) {
        return ("POST /v1/rooms/" + room + "/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + TestServer.BASIC
                + "\r\nContent-Type: " + Form.CONTENT_TYPE + "\r\n" + lengthHeader + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Status line, headers and a body of Content-Length bytes. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = headers.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElse(0);
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
