package io.atrium.server.compat.calls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Finding 8 (docs/SECURITY.md), from contract 003's text: sharing a video file needs a token that may
 * share (control, host, or a participant that publishes; viewers get 403), a session takes at most
 * {@code files.uploads_per_minute} uploads (429 RATE_LIMITED), and the per-session and server storage
 * quotas answer 413 with {@code {error, code}}; a refused upload keeps nothing.
 */
class VideoFileGrantsAndQuotasTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String API = "/api/video-call";

    @Test
    void uploadsNeedAGrantAndStayWithinRateAndQuotas() throws Exception {
        byte[] clip = clip();
        long c = clip.length;
        Path dir = Files.createTempDirectory("atrium-file-quota-");
        AtriumConfig base = TestServer.config(TestServer.Db.H2, dir);
        // a session holds two clips; the server four (and a bit); three uploads per session and minute
        AtriumConfig config = base.withFiles(new AtriumConfig.Files(null, null, null, 2 * c + 1000, 4 * c + 3000, 3));
        try (TestServer server = TestServer.start(config)) {
            JsonNode s1 = post(server, "/session", "{}", null);
            String s1Id = s1.get("session_id").asText();
            for (String viewer : new String[] {"webinar_viewer", "livestream_viewer"}) {
                String token = post(server, "/session/" + s1Id + "/participant-token", "{\"preset_name\":\"" + viewer + "\"}", null)
                        .get("token").asText();
                HttpResponse<String> refused = upload(server, s1Id, clip, token);
                assertThat(refused.statusCode()).as(viewer + ": " + refused.body()).isEqualTo(403);
                assertError(refused, "FORBIDDEN");
            }
            String participant = post(server, "/session/" + s1Id + "/participant-token", "{}", null).get("token").asText();
            assertThat(upload(server, s1Id, clip, participant).statusCode()).isEqualTo(200);
            assertThat(upload(server, s1Id, clip, participant).statusCode()).isEqualTo(200);
            HttpResponse<String> full = upload(server, s1Id, clip, participant);
            assertThat(full.statusCode()).as(full.body()).isEqualTo(413);
            assertError(full, "QUOTA_EXCEEDED");
            assertThat(JSON.readTree(full.body()).get("error").asText()).contains("session");
            assertThat(files(server, s1Id)).as("a refused upload keeps nothing").isEqualTo(2);

            JsonNode s2 = post(server, "/session", "{}", null);
            String s2Id = s2.get("session_id").asText();
            String control = s2.get("control_token").asText();
            assertThat(upload(server, s2Id, clip, control).statusCode()).as("a control token may share").isEqualTo(200);
            byte[] notVideo = "not a video".getBytes(StandardCharsets.UTF_8);
            assertThat(upload(server, s2Id, notVideo, control).statusCode()).isEqualTo(400);
            assertThat(upload(server, s2Id, notVideo, control).statusCode()).isEqualTo(400);
            HttpResponse<String> limited = upload(server, s2Id, clip, control);
            assertThat(limited.statusCode()).as(limited.body()).isEqualTo(429);
            assertError(limited, "RATE_LIMITED");
            assertThat(limited.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).isBetween(1L, 60L);

            String s3Id = post(server, "/session", "{}", null).get("session_id").asText();
            String other = post(server, "/session/" + s3Id + "/participant-token", "{}", null).get("token").asText();
            assertThat(upload(server, s3Id, clip, other).statusCode()).isEqualTo(200);
            HttpResponse<String> serverFull = upload(server, s3Id, clip, other);
            assertThat(serverFull.statusCode()).as(serverFull.body()).isEqualTo(413);
            assertError(serverFull, "QUOTA_EXCEEDED");
            assertThat(JSON.readTree(serverFull.body()).get("error").asText()).contains("server");
            assertThat(files(server, s3Id)).isEqualTo(1);
            try (var stored = Files.walk(dir.resolve("files"))) {
                assertThat(stored.filter(Files::isRegularFile).count()).as("bytes on disk: exactly the kept files").isEqualTo(4);
            }
        }
    }

    static void assertError(HttpResponse<String> r, String code) throws IOException {
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("error").isTextual()).isTrue();
    }

    static long files(TestServer server, String session) {
        return server.send("GET", API + "/session/" + session + "/video-files", null, null).json().get("files").size();
    }

    static JsonNode post(TestServer server, String path, String body, String authorization) {
        TestServer.Response r = server.send("POST", API + path, body, authorization);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        return r.json();
    }

    static HttpResponse<String> upload(TestServer server, String session, byte[] content, String token) throws Exception {
        String boundary = "----atrium-quota-test";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\n"
                + "Content-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return HTTP.send(HttpRequest.newBuilder(server.uri(API + "/session/" + session + "/video-file"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static byte[] clip() throws IOException {
        try (InputStream in = VideoFileGrantsAndQuotasTest.class.getResourceAsStream("/media/clip-h264-aac.mp4")) {
            return in.readAllBytes();
        }
    }
}
