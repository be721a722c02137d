package io.atrium.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.Compat;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Finding 9 (docs/SECURITY.md): passcodes, admin credentials and meeting ids cannot be guessed at
 * request speed. Past {@code http.failed_attempts_per_minute} wrong guesses a client address gets 429
 * with {@code Retry-After} in the facade's own error shape (the right answer too); guesses store
 * nothing; {@code X-Forwarded-For} names the client only when the peer is a trusted proxy. Finding 18: the call API's
 * unauthenticated reads count against the same per-address guard.
 */
class FacadeRateLimitTest {

    static final String PASSCODE = "live-passcode-for-tests";
    static final String ADMIN = "admin-passcode-for-tests";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static TestServer start(List<String> trustedProxies) throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-limits-"));
        c = c.withHttp(c.http().withLimits(trustedProxies, 10, 600))
                .withCompat(new Compat(new Compat.Live(PASSCODE, null, null), new Compat.Meetings(6, ADMIN)));
        return TestServer.start(c);
    }

    static HttpResponse<String> post(TestServer s, String path, String body, String authorization, String forwardedFor) {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b, forwardedFor);
    }

    @Test
    void livePasscodeGuessesAreCutOffPerClientBehindATrustedProxy() throws Exception {
        try (TestServer s = start(List.of("127.0.0.1"))) {
            for (int i = 0; i < 10; i++) {
                assertThat(post(s, "/verify-passcode", "{}", "guess-" + i, "203.0.113.1").statusCode()).isEqualTo(401);
            }
            HttpResponse<String> limited = post(s, "/verify-passcode", "{}", "guess-11", "203.0.113.1");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).isBetween(1L, 60L);
            assertThat(limited.body()).startsWith("{\"error\":{\"message\":\"too many requests\",\"explanation\":");
            assertThat(post(s, "/verify-passcode", "{}", PASSCODE, "203.0.113.1").statusCode())
                    .as("the right passcode from a guessing address is refused too").isEqualTo(429);
            assertThat(post(s, "/verify-passcode", "{}", PASSCODE, "203.0.113.2").statusCode())
                    .as("another client behind the same proxy").isEqualTo(200);
            assertThat(post(s, "/verify-passcode", "{}", PASSCODE, "203.0.113.1, 10.0.0.1").statusCode())
                    .as("an untrusted hop is the client: the guesser's bucket is not the proxy's").isEqualTo(200);
        }
    }

    @Test
    void anIpv6ClientIsItsSlash64() throws Exception {
        try (TestServer s = start(List.of("127.0.0.1"))) {
            for (int i = 0; i < 10; i++) {
                assertThat(post(s, "/verify-passcode", "{}", "guess-" + i, "2001:db8:5:6::" + Integer.toHexString(i + 1))
                        .statusCode()).as("a guess from another address of one /64").isEqualTo(401);
            }
            assertThat(post(s, "/verify-passcode", "{}", PASSCODE, "2001:db8:5:6:aaaa:bbbb:cccc:dddd").statusCode())
                    .as("a fresh address of the guessers' /64 has no fresh budget").isEqualTo(429);
            assertThat(post(s, "/verify-passcode", "{}", PASSCODE, "2001:db8:5:7::1").statusCode())
                    .as("the next /64 is another client").isEqualTo(200);
        }
    }

    @Test
    void meetingIdGuessesAreCutOffAndStoreNothing() throws Exception {
        try (TestServer s = start(List.of())) {
            String meeting = s.send("POST", "/admin/create", "{}", TestServer.BASIC).json().get("meeting_id").asText();
            String wrong = meeting.equals("000000") ? "000001" : "000000";
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = post(s, "/user/enter-waiting-room", "{\"meeting_id\":\"" + wrong + "\"}", null,
                        "198.51.100." + i);
                assertThat(r.statusCode()).isEqualTo(404);
            }
            HttpResponse<String> limited = post(s, "/user/enter-waiting-room", "{\"meeting_id\":\"" + meeting + "\"}", null,
                    "198.51.100.99");
            assertThat(limited.statusCode()).as("X-Forwarded-For from an untrusted peer picks no new bucket").isEqualTo(429);
            assertThat(limited.body()).startsWith("\"Error: too many failed attempts from this address");
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            assertThat(limited.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(post(s, "/user/join", "{\"meeting_id\":\"" + meeting + "\",\"room_id\":\"x\",\"identity\":\"y\"}", null,
                    null).statusCode()).isEqualTo(429);
            assertThat(rows(s, "meeting_guests")).as("guesses leave no rows").isZero();
            assertThat(rows(s, "meetings")).isEqualTo(1);
        }
    }

    @Test
    void adminPasscodeGuessesAreCutOff() throws Exception {
        try (TestServer s = start(List.of("127.0.0.1"))) {
            for (int i = 0; i < 10; i++) {
                assertThat(post(s, "/admin/create", "{}", "Bearer guess-" + i, "192.0.2.50").statusCode()).isEqualTo(403);
            }
            HttpResponse<String> limited = post(s, "/admin/create", "{}", ADMIN, "192.0.2.50");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(post(s, "/admin/create", "{}", ADMIN, "192.0.2.51").statusCode()).isEqualTo(200);
            assertThat(rows(s, "meetings")).as("only the allowed create stored a meeting").isEqualTo(1);
        }
    }

    @Test
    void callApiLimitsAreOneBucketPerClientNotPerProxy() throws Exception {
        try (TestServer s = start(List.of("127.0.0.1"))) {
            for (int i = 0; i < 10; i++) {
                assertThat(post(s, "/api/video-call/session", "{}", null, "203.0.113.7").statusCode()).isEqualTo(200);
            }
            HttpResponse<String> limited = post(s, "/api/video-call/session", "{}", null, "203.0.113.7");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.body()).contains("\"code\":\"RATE_LIMITED\"");
            assertThat(post(s, "/api/video-call/session", "{}", null, "203.0.113.8").statusCode())
                    .as("another client behind the same proxy has its own 10 per minute").isEqualTo(200);
        }
        try (TestServer s = start(List.of())) {
            for (int i = 0; i < 10; i++) {
                assertThat(post(s, "/api/video-call/session", "{}", null, "203.0.113." + i).statusCode()).isEqualTo(200);
            }
            assertThat(post(s, "/api/video-call/session", "{}", null, "203.0.113.200").statusCode())
                    .as("without a trusted proxy, X-Forwarded-For is the client's own claim and ignored").isEqualTo(429);
        }
    }

    @Test
    void controlTokenGuessesAreCutOff() throws Exception {
        try (TestServer s = start(List.of())) {
            String session = post(s, "/api/video-call/session", "{}", null, null).body().replaceAll(".*\"session_id\":\"([^\"]+)\".*", "$1");
            for (int i = 0; i < 10; i++) {
                assertThat(post(s, "/api/video-call/session/" + session + "/control-token", "{}", "Bearer guess" + i, null)
                        .statusCode()).isEqualTo(401);
            }
            HttpResponse<String> limited = post(s, "/api/video-call/session/" + session + "/control-token", "{}",
                    TestServer.BASIC, null);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.body()).contains("\"code\":\"RATE_LIMITED\"");
        }
    }

    /**
     * Finding 18: the call API's unauthenticated reads (a session's details, screen shares and video files; each a
     * database read and a hop onto the room) count against {@code http.facade_requests_per_minute} per client address;
     * an unsigned file URL without valid credentials is refused before the file is looked up (401 even for no file).
     */
    @Test
    void unauthenticatedReadsAreCountedPerAddressAndFileUrlsCheckCredentialsFirst() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-limits-"));
        try (TestServer s = TestServer.start(c.withHttp(c.http().withLimits(List.of("127.0.0.1"), 10, 6)))) {
            String session = post(s, "/api/video-call/session", "{}", null, null).body()
                    .replaceAll(".*\"session_id\":\"([^\"]+)\".*", "$1");
            String base = "/api/video-call/session/" + session;
            for (String path : List.of(base, base + "/screen-shares", base + "/video-files")) {
                for (int i = 0; i < 2; i++) {
                    assertThat(get(s, path, "203.0.113.30").statusCode()).as(path).isEqualTo(200);
                }
            }
            for (String path : List.of(base, base + "/screen-shares", base + "/video-files")) {
                HttpResponse<String> limited = get(s, path, "203.0.113.30");
                assertThat(limited.statusCode()).as(path).isEqualTo(429);
                assertThat(limited.body()).contains("\"code\":\"RATE_LIMITED\"");
                assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            }
            assertThat(get(s, base, "203.0.113.31").statusCode()).as("another client").isEqualTo(200);

            String noFile = "/api/video-call/files/" + java.util.UUID.randomUUID();
            HttpResponse<String> anonymous = get(s, noFile, null);
            assertThat(anonymous.statusCode()).as("credentials are checked before the file is looked up").isEqualTo(401);
            assertThat(anonymous.body()).contains("\"code\":\"UNAUTHORIZED\"");
            assertThat(get(s, noFile + "?token=not.a.jwt", null).statusCode()).isEqualTo(401);
            assertThat(get(s, "/files/" + java.util.UUID.randomUUID(), null).statusCode()).isEqualTo(401);
            String token = s.token(s.createRoom("files"), "");
            assertThat(get(s, noFile + "?token=" + token, null).statusCode()).as("a valid token: then the lookup")
                    .isEqualTo(404);
        }
    }

    static HttpResponse<String> get(TestServer s, String path, String forwardedFor) {
        return send(HttpRequest.newBuilder(s.uri(path)).GET(), forwardedFor);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b, String forwardedFor) {
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long rows(TestServer s, String table) throws Exception {
        try (Connection c = s.server().database().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
