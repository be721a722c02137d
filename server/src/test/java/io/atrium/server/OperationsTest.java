package io.atrium.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.ConfigException;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.TestServer.Response;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health probes, error hygiene, start-up failures, graceful shutdown and the command line. */
class OperationsTest {

    @TempDir
    Path dir;

    @Test
    void healthAndReadinessNeedNoCredentials() {
        try (TestServer server = TestServer.start(Db.H2)) {
            Response health = server.send("GET", "/healthz", null, null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("ok");
            assertThat(health.json().get("sip").asBoolean(true)).as("SIP is off unless configured").isFalse();
            Response ready = server.send("GET", "/readyz", null, null);
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("status").asText()).isEqualTo("ready");
        }
    }

    @Test
    void restNeedsCredentials() {
        try (TestServer server = TestServer.start(Db.H2)) {
            for (String auth : new String[] {null, "Basic " + java.util.Base64.getEncoder().encodeToString("test-key:nope".getBytes()),
                    "Bearer abc.def.ghi", "Digest x"}) {
                Response r = server.send("GET", "/v1/rooms", null, auth);
                assertThat(r.status()).as(String.valueOf(auth)).isEqualTo(401);
                assertThat(r.json().at("/error/code").asText()).isEqualTo("unauthorized");
            }
            assertThat(server.send("POST", "/v1/rooms", "{\"room\":{\"name\":\"x\"}}", null).status()).isEqualTo(401);
            assertThat(server.get("/v1/rooms").status()).isEqualTo(200);
        }
    }

    @Test
    void databaseOutageGivesA500WithoutInternalsAndNotReady() {
        try (TestServer server = TestServer.start(Db.H2)) {
            server.server().database().close();
            Response r = server.get("/v1/rooms");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.json().at("/error/message").asText()).isEqualTo("internal server error");
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("jdbc");
            assertThat(server.send("GET", "/readyz", null, null).status()).isEqualTo(503);
        }
    }

    @Test
    void unknownPathsAndMethodsAnswerJson() {
        try (TestServer server = TestServer.start(Db.H2)) {
            Response missing = server.get("/v1/nothing-here");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().at("/error/code").asText()).isEqualTo("not_found");
            Response page = server.send("GET", "/", null, null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).contains("<title>Atrium</title>");
        }
    }

    @Test
    void malformedHttpNeverLeaksAStackTrace() throws Exception {
        try (TestServer server = TestServer.start(Db.H2)) {
            String[] requests = {
                "GET /v1/rooms/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /v1/rooms HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "GET /v1/rooms HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + "A".repeat(20000) + "\r\n\r\n",
                "BREW /v1/rooms HTTP/1.1\r\nHost: x\r\n\r\n",
            };
            for (String raw : requests) {
                String answer = rawRequest(server.server().httpPort(), raw);
                assertThat(answer).as(raw.substring(0, 30)).startsWith("HTTP/1.1 4");
                assertThat(answer).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(".java:");
            }
        }
    }

    @Test
    void aRefusalBeforeTheBodyIsReadStillReachesTheClient() {
        try (TestServer server = TestServer.start(Db.H2)) {
            String room = server.createRoom("drain");
            String body = "x".repeat(300_000);
            for (int i = 0; i < 30; i++) {
                // refused before the body is read (no credentials; a body that is not multipart)
                assertThat(server.send("POST", "/v1/rooms/" + room + "/files", body, "text/plain", null).status()).isEqualTo(401);
                assertThat(server.send("POST", "/v1/rooms/" + room + "/files", body, "text/plain", TestServer.BASIC).status())
                        .isEqualTo(400);
            }
        }
    }

    @Test
    void portInUseIsExplained() {
        try (TestServer first = TestServer.start(Db.H2)) {
            AtriumConfig c = first.config();
            AtriumConfig same = new AtriumConfig(false, dir.toString(),
                    new AtriumConfig.Http("127.0.0.1", first.server().httpPort(), 65_536L, 1), c.rtc(),
                    new AtriumConfig.Database("", "", "", 2), c.auth());
            assertThatThrownBy(() -> AtriumServer.start(same)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("http.port " + first.server().httpPort()).hasMessageContaining("already in use");
        }
    }

    @Test
    void badDatabaseUrlIsExplained() {
        AtriumConfig c = TestServer.config(Db.H2, dir);
        AtriumConfig bad = new AtriumConfig(false, dir.toString(), c.http(), c.rtc(),
                new AtriumConfig.Database("jdbc:postgresql://127.0.0.1:1/nowhere", "u", "p", 2, 2), c.auth());
        long start = System.nanoTime();
        assertThatThrownBy(() -> AtriumServer.start(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot connect to database.url jdbc:postgresql://127.0.0.1:1/nowhere");
        // it kept trying for database.connect_timeout_seconds (here 2 s, the default is 10 s) before giving up
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(2_000_000_000L);
    }

    @Test
    void inFlightRequestsFinishDuringShutdown(@TempDir Path dir) throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, dir);
        AtriumConfig.Http h = c.http();
        // the default grace (TestServer's own is 0, so that closing a test server does not wait)
        TestServer server = TestServer.start(c.withHttp(new AtriumConfig.Http(h.host(), h.port(), h.maxBodyBytes(), null,
                h.tls(), h.trustedProxies(), h.failedAttemptsPerMinute(), h.facadeRequestsPerMinute(), h.browserApiKey())));
        int port = server.server().httpPort();
        String body = "{\"room\":{\"name\":\"in flight\"}}";
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/rooms HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestServer.BASIC
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(body.substring(0, 5).getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(300);
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
            Thread.sleep(300);
            assertThat(stopping).isNotDone();
            out.write(body.substring(5).getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 201").contains("in flight");
            stopping.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void helpAndVersionAndBadFlags() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertThat(Main.run(new String[] {"--help"})).isZero();
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("--http-port N").contains("--dev");
            captured.reset();
            assertThat(Main.run(new String[] {"--version"})).isZero();
            assertThat(captured.toString(StandardCharsets.UTF_8)).matches("atrium \\d+\\.\\d+\\.\\d+.*\\s*");
            captured.reset();
            assertThat(Main.run(new String[] {"--nope"})).isEqualTo(2);
            assertThat(captured.toString(StandardCharsets.UTF_8)).contains("unknown option '--nope'");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static String rawRequest(int port, String raw) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            try {
                for (int n; (n = in.read(b)) > 0; ) {
                    buf.write(b, 0, n);
                    if (buf.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n") && buf.size() > 200) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException ignored) {
                // what arrived is what we check
            }
            return buf.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
