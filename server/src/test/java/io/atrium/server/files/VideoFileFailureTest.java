package io.atrium.server.files;

import static io.atrium.server.files.VideoFilesApiTest.filesOnDisk;
import static io.atrium.server.files.VideoFilesApiTest.json;
import static io.atrium.server.files.VideoFilesApiTest.upload;
import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.auth.ApiKeys;
import io.atrium.server.auth.TokenService;
import io.atrium.server.store.VideoFileStore;
import io.atrium.server.testing.TestServer;
import io.javalin.Javalin;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Storage and database failures lose nothing and leave nothing; a large upload streams through with
 * little memory; files outlive a restart. The service is driven through a tiny Javalin app made
 * here where a failure has to be injected, and through the real server otherwise.
 */
class VideoFileFailureTest {

    private TestServer server;
    private Javalin app;

    @BeforeEach
    void start() {
        server = TestServer.start(TestServer.Db.H2);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        server.close();
    }

    /** A VideoFileService over {@code storage} and the test server's database, behind POST /up/{room}. */
    private URI serve(FileStorage storage, AtomicLong allocated) {
        Map<String, String> keys = Map.of(TestServer.KEY, TestServer.SECRET);
        Clock clock = Clock.systemUTC();
        VideoFileStore store = new VideoFileStore(server.server().database().jdbc());
        VideoFileService files = new VideoFileService(storage, store, new FileUrls(keys, 3600, clock), new TokenService(keys, clock),
                new ApiKeys(keys, clock), 100L * 1024 * 1024, new StorageQuota(store, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4), clock);
        var allocation = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.jetty.host = "127.0.0.1";
            c.jetty.port = 0;
            c.routes.post("/up/{room}", ctx -> {
                long before = allocation.getCurrentThreadAllocatedBytes();
                var file = files.upload(ctx, UUID.fromString(ctx.pathParam("room")), "tester");
                allocated.set(allocation.getCurrentThreadAllocatedBytes() - before);
                ctx.status(201).json(Map.of("file_id", file.id().toString(), "size", file.size()));
            });
            c.routes.exception(FileException.class, (e, ctx) -> ctx.status(e.status()).json(Map.of("error", e.getMessage(), "code", e.code())));
        }).start();
        return URI.create("http://127.0.0.1:" + app.port() + "/up/");
    }

    private static Stream<Path> regularFiles(Path dir) throws IOException {
        return Files.walk(dir).filter(Files::isRegularFile);
    }

    /** The disk fills up halfway through: 500, no partial file, nothing listed. */
    @Test
    void aStorageFailureMidUploadIs500AndLeavesNothing() throws IOException {
        String room = server.createRoom("disk full");
        Path dir = Files.createTempDirectory("atrium-full-");
        LocalFileStorage local = new LocalFileStorage(dir);
        FileStorage full = new FileStorage() {
            @Override
            public Stored store(InputStream content) throws IOException {
                return local.store(new FilterInputStream(content) {
                    private long count;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if ((count += Math.max(n, 0)) > 5000) {
                            throw new IOException("No space left on device");
                        }
                        return n;
                    }
                });
            }

            @Override
            public InputStream open(String key, long offset, long length) throws IOException {
                return local.open(key, offset, length);
            }

            @Override
            public long size(String key) throws IOException {
                return local.size(key);
            }

            @Override
            public boolean delete(String key) throws IOException {
                return local.delete(key);
            }
        };
        URI up = serve(full, new AtomicLong());
        HttpResponse<String> r = Form.post(up.resolve(room), Form.CONTENT_TYPE, Form.upload("a.mp4", Media.bytes("clip-h264-aac.mp4")), null);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("INTERNAL_ERROR").contains("could not be stored").doesNotContain("No space");
        try (Stream<Path> left = regularFiles(dir)) {
            assertThat(left).isEmpty();
        }
        assertThat(server.get("/v1/rooms/" + room + "/files").json().get("files")).isEmpty();
    }

    /** The database refuses the metadata after the file was stored: 500, and the stored file is removed. */
    @Test
    void aDatabaseFailureAfterStoringIs500AndRemovesTheFile() throws Exception {
        String room = server.createRoom("db down");
        try (Connection c = server.server().database().dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("alter table video_files rename to video_files_away");
        }
        HttpResponse<String> r = upload(server, room, Form.upload("a.webm", Media.bytes("clip-vp8-opus.webm")));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("internal_error");
        assertThat(filesOnDisk(server)).isEmpty();
        try (Connection c = server.server().database().dataSource().getConnection(); var s = c.createStatement()) {
            s.execute("alter table video_files_away rename to video_files");
        }
        assertThat(upload(server, room, Form.upload("a.webm", Media.bytes("clip-vp8-opus.webm"))).statusCode()).isEqualTo(201);
    }

    /**
     * 40 MiB through the upload path (moov after the mdat, so the probe seeks past it): the request
     * thread allocates about a tenth of that in short-lived garbage; the file is never held in memory.
     */
    @Test
    void aLargeUploadStreamsToDiskWithLittleMemory() throws IOException {
        String room = server.createRoom("large");
        Path dir = Files.createTempDirectory("atrium-large-");
        AtomicLong allocated = new AtomicLong();
        URI up = serve(new LocalFileStorage(dir), allocated);
        GeneratedBody body = new GeneratedBody(40L * 1024 * 1024);
        String response;
        // a raw socket with a Content-Length and 64 KiB writes, so the server's reads are large, as from a browser
        try (Socket socket = new Socket(up.getHost(), up.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + up.getPath() + room + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + Form.CONTENT_TYPE
                    + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.transferTo(out);
            out.flush();
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(response).startsWith("HTTP/1.1 201").contains("\"size\":" + body.fileSize());
        // holding the file would allocate at least its size; what is allocated is per-read garbage of Jetty's HTTP
        // parsing and the multipart events (under 1 KiB per read of at most 8 KiB: about 4 MiB here)
        assertThat(allocated.get()).as("bytes allocated by the request thread for a 40 MiB upload").isPositive()
                .isLessThan(body.fileSize() / 4);
        try (Stream<Path> stored = regularFiles(dir)) {
            assertThat(stored).singleElement().satisfies(p -> assertThat(Files.size(p)).isEqualTo(body.fileSize()));
        }
    }

    @Test
    void filesOutliveARestart() {
        String room = server.createRoom("kept");
        byte[] clip = Media.bytes("clip-mpeg4-faststart.mov");
        String id = json(upload(server, room, Form.upload("kept.mov", clip))).at("/file/file_id").asText();
        server.restart();
        var listed = server.get("/v1/rooms/" + room + "/files").json().get("files");
        assertThat(listed.findValuesAsText("file_id")).containsExactly(id);
        HttpResponse<byte[]> played = Form.send(HttpRequest.newBuilder(server.uri(listed.get(0).get("url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(played.body()).isEqualTo(clip);
    }
}
