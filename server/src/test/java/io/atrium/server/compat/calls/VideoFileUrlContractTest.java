package io.atrium.server.compat.calls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 item 6, from contract 003's text: {@code VideoFileUploadResponse.url} is a "Playback URL" a
 * frontend on another origin uses, under the contract's CORS rules ("Allowed Origins:
 * https://bahasadri.com"). It is absolute (from {@code video_call.public_url}, else the request), lives
 * under {@code /api/video-call} so an /api-only proxy passes it, answers Range requests, and expires
 * at {@code url_expires_at} ({@code files.url_ttl_seconds}).
 */
class VideoFileUrlContractTest {

    static final String ORIGIN = "https://bahasadri.com";

    @Test
    void playbackUrlsAreAbsoluteUnderTheApiAndServedWithTheContractsCors() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config(TestServer.Db.H2, Files.createTempDirectory("atrium-url-")))) {
            byte[] clip = VideoFileGrantsAndQuotasTest.clip();
            JsonNode session = VideoFileGrantsAndQuotasTest.post(server, "/session", "{}", null);
            String id = session.get("session_id").asText();
            HttpResponse<String> up = VideoFileGrantsAndQuotasTest.upload(server, id, clip, session.get("control_token").asText());
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            JsonNode file = VideoFileGrantsAndQuotasTest.JSON.readTree(up.body());
            String url = file.get("url").asText();
            assertThat(url).startsWith("http://127.0.0.1:" + server.server().httpPort() + "/api/video-call/files/" + file.get("file_id").asText() + "?");
            Instant expires = Instant.parse(file.get("url_expires_at").asText());
            assertThat(Duration.between(Instant.now(), expires).toHours()).as("files.url_ttl_seconds, 6 h by default").isBetween(5L, 6L);
            JsonNode listed = server.send("GET", "/api/video-call/session/" + id + "/video-files", null, null).json();
            assertThat(listed.at("/files/0/url").asText()).startsWith("http://127.0.0.1:");

            // a browser on the contract's origin: preflight for a ranged fetch, then the bytes with CORS headers
            HttpResponse<String> preflight = VideoFileGrantsAndQuotasTest.HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ORIGIN)
                    .header("Access-Control-Request-Method", "GET").header("Access-Control-Request-Headers", "range").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Range");
            HttpResponse<byte[]> ranged = VideoFileGrantsAndQuotasTest.HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Origin", ORIGIN).header("Range", "bytes=0-99").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(ranged.statusCode()).isEqualTo(206);
            assertThat(ranged.body()).hasSize(100);
            assertThat(ranged.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
            assertThat(ranged.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Content-Range");
            HttpResponse<byte[]> other = VideoFileGrantsAndQuotasTest.HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).as("an origin not allowed gets no CORS").isEmpty();

            // a tampered signature: 401 in the contract's {error, code}
            HttpResponse<String> forged = VideoFileGrantsAndQuotasTest.HTTP.send(HttpRequest.newBuilder(URI.create(
                    url.replaceAll("sig=[^&]+", "sig=AAAA"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).isEqualTo(401);
            assertThat(VideoFileGrantsAndQuotasTest.JSON.readTree(forged.body()).get("code").asText()).isEqualTo("UNAUTHORIZED");
        }

        AtriumConfig c = TestServer.config(TestServer.Db.H2, Files.createTempDirectory("atrium-url-"));
        c = c.withVideoCall(new AtriumConfig.VideoCall(null, "https://meet.example.com/", null, null, null, null, null, null));
        try (TestServer server = TestServer.start(c)) {
            JsonNode session = VideoFileGrantsAndQuotasTest.post(server, "/session", "{}", null);
            HttpResponse<String> up = VideoFileGrantsAndQuotasTest.upload(server, session.get("session_id").asText(),
                    VideoFileGrantsAndQuotasTest.clip(), session.get("control_token").asText());
            assertThat(VideoFileGrantsAndQuotasTest.JSON.readTree(up.body()).get("url").asText())
                    .as("video_call.public_url is the base").startsWith("https://meet.example.com/api/video-call/files/");
        }
    }
}
