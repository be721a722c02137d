package io.atrium.server.files;

import static io.atrium.server.files.VideoFilesApiTest.filesOnDisk;
import static io.atrium.server.files.VideoFilesApiTest.json;
import static io.atrium.server.files.VideoFilesApiTest.upload;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Uploads that must be refused, file names that must be defused, and two uploads at once. */
class VideoFileUploadTest {

    private static final byte[] MP4 = Media.bytes("clip-h264-aac.mp4");
    private static TestServer server;
    private static String room;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestServer.Db.H2);
        room = server.createRoom("uploads");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void refused(HttpResponse<String> r, int status, String code, String message) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r).at("/error/code").asText()).isEqualTo(code);
        assertThat(json(r).at("/error/message").asText()).contains(message);
        assertThat(filesOnDisk(server)).as("nothing kept after: " + r.body()).isEmpty();
    }

    @Test
    void badUploadsAreRefusedAndLeaveNothing() {
        assertThat(filesOnDisk(server)).isEmpty();
        refused(Form.post(server.uri("/v1/rooms/" + room + "/files"), "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                TestServer.BASIC), 400, "invalid_input", "multipart/form-data");
        refused(Form.post(server.uri("/v1/rooms/" + room + "/files"), "multipart/form-data", Form.upload("a.mp4", MP4),
                TestServer.BASIC), 400, "invalid_input", "boundary");
        refused(upload(server, room, new Form().field("title", "no file here").end()), 400, "invalid_input", "no part named 'file'");
        refused(upload(server, room, Form.upload("empty.mp4", new byte[0])), 400, "invalid_input", "empty");
        refused(upload(server, room, Form.upload("notes.mp4", "just some text, not a video".getBytes(StandardCharsets.UTF_8))),
                400, "invalid_file_type", "not an MP4, QuickTime, WebM or Matroska");
        byte[] ftypThenGarbage = Boxes.concat(Boxes.ftyp("isom", "mp41"), "garbage".repeat(100).getBytes(StandardCharsets.US_ASCII));
        refused(upload(server, room, Form.upload("fake.mp4", ftypThenGarbage)), 400, "invalid_file_type", "past the end");
        byte[] noMvhd = Boxes.concat(Boxes.ftyp("isom"), Boxes.box("moov", Boxes.box("trak")));
        refused(upload(server, room, Form.upload("nomvhd.mp4", noMvhd)), 400, "invalid_file_type", "no mvhd");
        byte[] truncated = java.util.Arrays.copyOf(MP4, MP4.length / 2);
        refused(upload(server, room, Form.upload("half.mp4", truncated)), 400, "invalid_file_type", "truncated");
        refused(upload(server, room, new Form().file("a.mp4", MP4).file("b.mp4", MP4).end()), 400, "invalid_input",
                "only one part named 'file'");
        refused(upload(server, room, new Form().file("a.mp4", MP4).unterminated()), 400, "invalid_input", "malformed multipart");
        refused(upload(server, room, "not multipart at all".getBytes(StandardCharsets.US_ASCII)), 400, "invalid_input", "malformed");
        byte[] nulInHeader = new Form().part("name=\"file\"; filename=\"a\0b.mp4\"", null, MP4).end();
        refused(upload(server, room, nulInHeader), 400, "invalid_input", "malformed multipart");
        refused(Form.post(server.uri("/v1/rooms/" + room + "/files?uploaded_by=" + "x".repeat(200)), Form.CONTENT_TYPE,
                Form.upload("a.mp4", MP4), TestServer.BASIC), 400, "invalid_input", "uploaded_by");
        refused(upload(server, java.util.UUID.randomUUID().toString(), Form.upload("a.mp4", MP4)), 404, "not_found", "no room");
        refused(upload(server, "not-a-uuid", Form.upload("a.mp4", MP4)), 400, "invalid_field", "not a UUID");
        refused(Form.post(server.uri("/v1/rooms/" + room + "/files"), Form.CONTENT_TYPE, Form.upload("a.mp4", MP4), null),
                401, "unauthorized", "Authorization");
        assertThat(server.get("/v1/rooms/" + room + "/files").json().get("files")).isEmpty();
    }

    @Test
    void pathLikeAndHostileFileNamesAreOnlySanitizedMetadata() {
        String other = server.createRoom("names");
        record Case(String disposition, String expected) {
        }
        List<Case> cases = List.of(
                new Case("name=\"file\"; filename=\"../../etc/passwd\"", "passwd"),
                new Case("name=\"file\"; filename=\"C:\\x\\y.mp4\"", "y.mp4"),
                new Case("name=\"file\"; filename*=UTF-8''..%2F..%2Fa%00b%0Ac.mp4", "ab c.mp4"),
                new Case("name=\"file\"; filename=\"clip\u202Egpj.mp4\"", "clipgpj.mp4"),
                new Case("name=\"file\"; filename=\"...\"", "video.mp4"),
                new Case("name=\"file\"", "video.mp4"),
                new Case("name=\"file\"; filename=\"caf\u00e9 \u2014 \u65e5\u672c.mp4\"", "caf\u00e9 \u2014 \u65e5\u672c.mp4"),
                new Case("name=\"file\"; filename=\"" + "long".repeat(100) + ".mp4\"", "long".repeat(49) + ".mp4"));
        for (Case c : cases) {
            HttpResponse<String> r = upload(server, other, new Form().part(c.disposition(), "video/mp4", MP4).end());
            assertThat(r.statusCode()).as(c.disposition() + ": " + r.body()).isEqualTo(201);
            JsonNode file = json(r).get("file");
            assertThat(file.get("filename").asText()).as(c.disposition()).isEqualTo(c.expected());
            HttpResponse<byte[]> played = Form.send(HttpRequest.newBuilder(server.uri(file.get("url").asText())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(played.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("inline; filename=\"")
                    .doesNotContain("\n", "\0", "/");
        }
        Path dir = server.config().filesPath();
        assertThat(filesOnDisk(server)).hasSize(cases.size())
                .allSatisfy(p -> assertThat(dir.relativize(p).toString()).matches("[0-9a-f]{2}/[0-9a-f]{32}"));
        assertThat(Files.exists(Path.of("/etc/passwd.mp4"))).isFalse();
        for (JsonNode f : server.get("/v1/rooms/" + other + "/files").json().get("files")) {
            server.delete("/v1/rooms/" + other + "/files/" + f.get("file_id").asText());
        }
        assertThat(filesOnDisk(server)).isEmpty();
    }

    /** Both uploads are in flight at the same time (each waits for the other halfway); both are kept. */
    @Test
    void twoUploadsToTheSameRoomAtOnceBothSucceed() throws Exception {
        String shared = server.createRoom("together");
        CyclicBarrier halfway = new CyclicBarrier(2);
        List<CompletableFuture<HttpResponse<String>>> uploads = List.of("first.mp4", "second.webm").stream().map(name -> {
            byte[] body = Form.upload(name, Media.bytes(name.endsWith(".mp4") ? "clip-h264-aac.mp4" : "clip-vp8-opus.webm"));
            HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/rooms/" + shared + "/files?uploaded_by=" + name))
                    .header("Content-Type", Form.CONTENT_TYPE).header("Authorization", TestServer.BASIC)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Halting(body, body.length / 2, halfway))).build();
            return CompletableFuture.supplyAsync(() -> Form.send(request, HttpResponse.BodyHandlers.ofString()));
        }).toList();
        Set<String> ids = uploads.stream().map(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).map(r -> {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            return json(r).at("/file/file_id").asText();
        }).collect(Collectors.toSet());
        assertThat(ids).hasSize(2);
        JsonNode listed = server.get("/v1/rooms/" + shared + "/files").json().get("files");
        assertThat(listed.findValuesAsText("file_id")).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(listed.findValuesAsText("uploaded_by")).containsExactlyInAnyOrder("first.mp4", "second.webm");
        assertThat(listed.findValuesAsText("content_type")).containsExactlyInAnyOrder("video/mp4", "video/webm");
        for (String id : ids) {
            server.delete("/v1/rooms/" + shared + "/files/" + id);
        }
    }

    /** A body that stops at {@code pause} until the other upload has reached its own pause too. */
    private static final class Halting extends InputStream {
        private final byte[] body;
        private final int pause;
        private final CyclicBarrier barrier;
        private int position;

        Halting(byte[] body, int pause, CyclicBarrier barrier) {
            this.body = body;
            this.pause = pause;
            this.barrier = barrier;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position == pause) {
                try {
                    barrier.await(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IOException("the other upload never got halfway", e);
                }
            }
            if (position >= body.length) {
                return -1;
            }
            int end = position < pause ? pause : body.length;
            int n = Math.min(len, end - position);
            System.arraycopy(body, position, b, off, n);
            position += n;
            return n;
        }
    }

    static AtriumConfig withLimit(Path dataDir, long maxUploadBytes) {
        return TestServer.config(TestServer.Db.H2, dataDir).withFiles(new AtriumConfig.Files(null, maxUploadBytes, null));
    }
}
