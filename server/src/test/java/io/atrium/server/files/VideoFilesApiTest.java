package io.atrium.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native file API end to end on a real server, over H2 and PostgreSQL, with the bytes in the files directory
 * and in the database (files.storage): upload, list, playback with ranges, auth.
 */
@ParameterizedClass
@CsvSource({"H2, local", "POSTGRES, local", "H2, database", "POSTGRES, database"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VideoFilesApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameter(0)
    TestServer.Db db;
    @Parameter(1)
    String storage;

    private TestServer server;
    private String room;

    @BeforeParameterizedClassInvocation
    void start() {
        AtriumConfig config;
        try {
            config = TestServer.config(db, Files.createTempDirectory("atrium-test-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = TestServer.start(config.withFiles(config.files().withStorage(storage)));
        assertThat(server.config().filesInDatabase()).isEqualTo(storage.equals("database"));
        room = server.createRoom("films");
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    static HttpResponse<String> upload(TestServer server, String room, byte[] body) {
        return Form.post(server.uri("/v1/rooms/" + room + "/files"), Form.CONTENT_TYPE, body, TestServer.BASIC);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    /** Every regular file under the files directory (stored objects and temporary files). */
    static List<Path> filesOnDisk(TestServer server) {
        try (Stream<Path> s = Files.walk(server.config().filesPath())) {
            return s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many objects the server's file storage holds: files under the files directory, or rows in the database. */
    private long storedObjects() {
        return server.config().filesInDatabase()
                ? server.server().database().jdbc().inTransaction(tx -> tx.queryOne("select count(*) from file_objects",
                        rs -> rs.getLong(1)).orElseThrow())
                : filesOnDisk(server).size();
    }

    private HttpResponse<byte[]> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return Form.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @ParameterizedTest
    @CsvSource({
            "clip-h264-aac.mp4,         video/mp4,        2.000",
            "clip-mpeg4-faststart.mov,  video/quicktime,  2.000",
            "clip-vp8-opus.webm,        video/webm,       2.008",
            "clip-vp9.mkv,              video/x-matroska, 2.534",
    })
    void aClipIsUploadedListedAndPlayedBack(String name, String contentType, double duration) {
        byte[] clip = Media.bytes(name);
        // the declared part type and the name say nothing: the content decides
        HttpResponse<String> r = upload(server, room, new Form().part("name=\"file\"; filename=\"holiday.txt\"", "text/plain", clip).end());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode file = json(r).get("file");
        assertThat(file.get("filename").asText()).isEqualTo("holiday.txt");
        assertThat(file.get("size").asLong()).isEqualTo(clip.length);
        assertThat(file.get("duration").asDouble()).isCloseTo(duration, org.assertj.core.data.Offset.offset(0.0005));
        assertThat(file.get("content_type").asText()).isEqualTo(contentType);
        assertThat(file.get("uploaded_by").asText()).isEqualTo("api:" + TestServer.KEY);
        assertThat(file.get("room").asText()).isEqualTo(room);
        String url = file.get("url").asText();
        assertThat(url).startsWith("/files/" + file.get("file_id").asText() + "?expires=");

        HttpResponse<byte[]> played = get(url);
        assertThat(played.statusCode()).isEqualTo(200);
        assertThat(played.body()).isEqualTo(clip);
        assertThat(played.headers().firstValue("Content-Type")).hasValue(contentType);
        assertThat(played.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(played.headers().firstValue("ETag")).hasValue("\"" + file.get("file_id").asText() + "\"");

        JsonNode listed = server.get("/v1/rooms/" + room + "/files").json().get("files");
        assertThat(listed.findValuesAsText("file_id")).contains(file.get("file_id").asText());
        assertThat(server.get("/v1/rooms/" + room + "/files/" + file.get("file_id").asText()).json().at("/file/size").asLong())
                .isEqualTo(clip.length);
    }

    @Test
    void rangesEtagsAndHead() {
        byte[] clip = Media.bytes("clip-vp8-opus.webm");
        JsonNode file = json(upload(server, room, Form.upload("r.webm", clip))).get("file");
        String url = file.get("url").asText();
        String etag = "\"" + file.get("file_id").asText() + "\"";
        int size = clip.length;

        HttpResponse<byte[]> first = get(url, "Range", "bytes=0-99");
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(first.headers().firstValue("Content-Range")).hasValue("bytes 0-99/" + size);
        assertThat(first.body()).isEqualTo(Arrays.copyOfRange(clip, 0, 100));

        HttpResponse<byte[]> open = get(url, "Range", "bytes=1000-");
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(clip, 1000, size));

        HttpResponse<byte[]> suffix = get(url, "Range", "bytes=-50");
        assertThat(suffix.headers().firstValue("Content-Range")).hasValue("bytes " + (size - 50) + "-" + (size - 1) + "/" + size);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(clip, size - 50, size));

        HttpResponse<byte[]> pastEndClamped = get(url, "Range", "bytes=" + (size - 10) + "-" + (size + 1000));
        assertThat(pastEndClamped.statusCode()).isEqualTo(206);
        assertThat(pastEndClamped.body()).hasSize(10);

        HttpResponse<byte[]> unsatisfiable = get(url, "Range", "bytes=" + size + "-");
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(unsatisfiable.headers().firstValue("Content-Range")).hasValue("bytes */" + size);
        assertThat(new String(unsatisfiable.body(), StandardCharsets.UTF_8)).contains("range_not_satisfiable");

        // several ranges and malformed ranges are ignored: the whole file
        for (String ignored : List.of("bytes=0-1,5-9", "bytes=9-3", "items=0-5", "bytes=abc")) {
            HttpResponse<byte[]> whole = get(url, "Range", ignored);
            assertThat(whole.statusCode()).as(ignored).isEqualTo(200);
            assertThat(whole.body()).hasSize(size);
        }

        HttpResponse<byte[]> notModified = get(url, "If-None-Match", "\"other\", " + etag);
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(get(url, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);

        // If-Range with the current ETag honours the range; with another validator, the whole file
        assertThat(get(url, "Range", "bytes=0-9", "If-Range", etag).statusCode()).isEqualTo(206);
        assertThat(get(url, "Range", "bytes=0-9", "If-Range", "\"stale\"").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> head = Form.send(HttpRequest.newBuilder(server.uri(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(size));
        assertThat(head.body()).isEmpty();
    }

    @Test
    void playbackNeedsASignatureATokenOfTheRoomOrApiCredentials() {
        byte[] clip = Media.bytes("clip-vp9.mkv");
        JsonNode file = json(upload(server, room, Form.upload("a.mkv", clip))).get("file");
        String id = file.get("file_id").asText();
        String bare = "/files/" + id;
        String signed = file.get("url").asText();

        assertThat(get(bare).statusCode()).isEqualTo(401);
        // a signature with its first character changed (to one it is not: a fixed "X" is the real one once in 64)
        char first = signed.charAt(signed.indexOf("sig=") + 4);
        assertThat(get(signed.replace("sig=" + first, "sig=" + (first == 'X' ? 'Y' : 'X'))).statusCode()).isEqualTo(401);
        assertThat(get(signed.replaceAll("expires=\\d+", "expires=99999999999")).statusCode()).isEqualTo(401);
        assertThat(get(signed.replace(id, java.util.UUID.randomUUID().toString())).statusCode()).isEqualTo(401);

        String token = server.token(room, "");
        assertThat(get(bare + "?token=" + token).statusCode()).isEqualTo(200);
        assertThat(get(bare, "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(get(bare, "Authorization", TestServer.BASIC).statusCode()).isEqualTo(200);

        String otherRoom = server.createRoom("elsewhere");
        HttpResponse<byte[]> wrongRoom = get(bare + "?token=" + server.token(otherRoom, ""));
        assertThat(wrongRoom.statusCode()).isEqualTo(401);
        assertThat(new String(wrongRoom.body(), StandardCharsets.UTF_8)).contains("another room");
        assertThat(get(bare, "Authorization", "Bearer not-a-token").statusCode()).isEqualTo(401);
        assertThat(get("/files/" + java.util.UUID.randomUUID() + "?token=" + token).statusCode()).isEqualTo(404);
        assertThat(get("/files/not-a-uuid?token=" + token).statusCode()).isEqualTo(404);
        // the listing needs API credentials
        assertThat(server.send("GET", "/v1/rooms/" + room + "/files", null, "Bearer " + token).status()).isEqualTo(401);
    }

    @Test
    void deletingAFileRemovesItsBytesAndItsListing() {
        JsonNode file = json(upload(server, room, Form.upload("gone.mp4", Media.bytes("clip-h264-aac.mp4")))).get("file");
        String id = file.get("file_id").asText();
        long before = storedObjects();
        assertThat(before).isPositive();
        assertThat(server.delete("/v1/rooms/" + room + "/files/" + id).status()).isEqualTo(204);
        assertThat(storedObjects()).isEqualTo(before - 1);
        assertThat(get(file.get("url").asText()).statusCode()).isEqualTo(404);
        assertThat(server.delete("/v1/rooms/" + room + "/files/" + id).status()).isEqualTo(404);
        assertThat(server.get("/v1/rooms/" + room + "/files").json().get("files").findValuesAsText("file_id")).doesNotContain(id);
    }
}
