package io.atrium.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.TestServer.Response;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** WHIP and WHEP refuse bad requests with a clear 4xx and keep no half-made session. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WhipWhepApiTest {

    TestServer server;
    String room;
    JavaPeer client;

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
        room = server.createRoom("whip errors");
        client = new JavaPeer();
    }

    @AfterAll
    void stop() {
        client.close();
        server.close();
    }

    Response whip(String path, String sdp, String contentType, String token) {
        return server.send("POST", path, sdp, contentType, token == null ? null : "Bearer " + token);
    }

    void assertError(Response r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().at("/error/code").asText()).isEqualTo(code);
        assertThat(r.json().at("/error/message").asText()).contains(messagePart);
        assertThat(server.server().media().peerCount()).as("no peer is left behind").isZero();
    }

    @Test
    void unknownOrMalformedRoom() {
        String other = UUID.randomUUID().toString();
        // the token is checked before the room is looked up: one of another room is refused without a database read
        assertError(whip("/whip/" + other, client.offer(true), "application/sdp", server.token(room, "")), 401, "unauthorized",
                "another room");
        assertError(whip("/whep/" + other, client.offer(false), "application/sdp", "not.a.jwt"), 401, "unauthorized", "token");
        String gone = server.createRoom("gone");
        String goneToken = server.token(gone, "");
        assertThat(server.delete("/v1/rooms/" + gone).status()).isEqualTo(204);
        assertError(whip("/whip/" + gone, client.offer(true), "application/sdp", goneToken), 404, "not_found", "room");
        assertError(whip("/whip/nope", client.offer(true), "application/sdp", server.token(room, "")), 400, "invalid_field", "room");
    }

    @Test
    void missingWrongExpiredOrForeignTokens() throws Exception {
        String offer = client.offer(true);
        assertError(whip("/whip/" + room, offer, "application/sdp", null), 401, "unauthorized", "Bearer");
        assertError(whip("/whip/" + room, offer, "application/sdp", "not.a.jwt"), 401, "unauthorized", "token");
        String good = server.token(room, "");
        String forged = good.substring(0, good.length() - 4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertError(whip("/whip/" + room, offer, "application/sdp", forged), 401, "unauthorized", "signature");
        String otherRoom = server.createRoom("other");
        assertError(whip("/whip/" + room, offer, "application/sdp", server.token(otherRoom, "")), 401, "unauthorized", "another room");
        String shortLived = server.token(room, "\"ttl_seconds\": 1");
        Thread.sleep(2100);
        assertError(whip("/whip/" + room, offer, "application/sdp", shortLived), 401, "unauthorized", "expired");
    }

    @Test
    void grantsAreEnforced() {
        String offer = client.offer(true);
        assertError(whip("/whip/" + room, offer, "application/sdp", server.token(room, "\"grants\": {\"publish\": false}")),
                403, "forbidden", "may not publish");
        assertError(whip("/whip/" + room, offer, "application/sdp",
                server.token(room, "\"grants\": {\"publish_sources\": [\"microphone\"]}")), 403, "forbidden", "camera");
        assertError(whip("/whep/" + room, client.offer(false), "application/sdp", server.token(room, "\"grants\": {\"subscribe\": false}")),
                403, "forbidden", "may not subscribe");
    }

    @Test
    void badSdpIsExplained() {
        String token = server.token(room, "");
        assertError(whip("/whip/" + room, client.offer(true), "application/json", token), 415, "unsupported_media_type", "application/sdp");
        assertError(whip("/whip/" + room, " ", "application/sdp", token), 400, "invalid_sdp", "SDP offer");
        assertError(whip("/whip/" + room, "hello\r\nworld\r\n", "application/sdp", token), 400, "invalid_sdp", "SDP line 1");
        assertError(whip("/whip/" + room, client.offer(true).replace("a=rtcp-mux\r\n", ""), "application/sdp", token),
                400, "invalid_sdp", "rtcp-mux");
        String h265Only = client.offer(true).replace("opus/48000/2", "SILK/16000").replace("VP8/90000", "H265/90000");
        assertError(whip("/whip/" + room, h265Only, "application/sdp", token), 400, "invalid_sdp", "Opus");
        assertError(whip("/whip/" + room, client.offer(true).replaceAll("a=fingerprint:[^\r]*\r\n", ""), "application/sdp", token),
                400, "invalid_sdp", "fingerprint");
        // a player's receive cap (docs/MEDIA.md) that is not a number
        assertError(whip("/whep/" + room, client.offer(false).replaceFirst("\r\nt=", "\r\nb=AS:fast\r\nt="), "application/sdp", token),
                400, "invalid_sdp", "b=AS must be a whole number of kbit/s");
    }

    @Test
    void nothingToPlayIs404AndSessionsEndOnlyByTheirOwner() {
        String token = server.token(room, "");
        assertError(whip("/whep/" + room, client.offer(false), "application/sdp", token), 404, "not_found", "nothing is being published");

        Response created = whip("/whip/" + room, client.offer(true), "application/sdp", token);
        assertThat(created.status()).isEqualTo(201);
        String location = created.raw().headers().firstValue("Location").orElseThrow();
        Response patch = server.send("PATCH", location, "a=candidate", "application/trickle-ice-sdpfrag", "Bearer " + token);
        assertThat(patch.status()).as("no trickle ICE or ICE restart (docs/API.md)").isEqualTo(405);
        assertThat(patch.raw().headers().firstValue("Allow")).hasValue("DELETE, OPTIONS");
        assertThat(server.send("DELETE", location, null, "Bearer " + server.token(room, "")).status()).isEqualTo(403);
        assertThat(server.send("DELETE", location + "x", null, "Bearer " + token).status()).isEqualTo(404);
        assertThat(server.send("DELETE", location, null, "Bearer " + token).status()).isEqualTo(200);
        assertThat(server.server().media().peerCount()).isZero();
        assertThat(server.send("DELETE", location, null, "Bearer " + token).status()).isEqualTo(404);
    }

    @Test
    void aRevokedTokenEndsItsWhipSession() throws Exception {
        String token = server.token(room, "\"identity\": \"obs\"");
        Response created = whip("/whip/" + room, client.offer(true), "application/sdp", token);
        assertThat(created.status()).isEqualTo(201);
        String location = created.raw().headers().firstValue("Location").orElseThrow();
        // a stranger's DELETE probes without ending anything: 403 while the session lives, 404 once it is gone
        String stranger = server.token(room, "\"identity\": \"stranger\"");
        assertThat(server.send("DELETE", location, null, "Bearer " + stranger).status()).isEqualTo(403);
        assertThat(server.post("/v1/tokens/revoke", "{\"jti\": \"" + TestServer.jti(token) + "\"}").status()).isEqualTo(200);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (server.send("DELETE", location, null, "Bearer " + stranger).status() != 404) {
            assertThat(System.nanoTime()).as("the revoked token's WHIP session ends").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertError(whip("/whip/" + room, client.offer(true), "application/sdp", token), 401, "unauthorized", "revoked");
    }

    static java.net.http.HttpResponse<String> withOrigin(java.net.URI uri, String method, String origin, String body, String... headers)
            throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(uri).header("Origin", origin)
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return java.net.http.HttpClient.newHttpClient().send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void corsPreflightAndHeadersOnAnswersAndErrors() throws Exception {
        String origin = "http://127.0.0.1:1";
        for (String path : new String[] {"/whip/" + room, "/whep/" + room, "/whip/" + room + "/p-1"}) {
            var pre = withOrigin(server.uri(path), "OPTIONS", origin, null, "Access-Control-Request-Method", "POST",
                    "Access-Control-Request-Headers", "authorization, content-type");
            assertThat(pre.statusCode()).as(path).isEqualTo(204);
            assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST").contains("DELETE");
            assertThat(pre.headers().firstValue("Access-Control-Allow-Headers").orElse("")).contains("Authorization")
                    .contains("Content-Type");
        }
        String token = server.token(room, "");
        var created = withOrigin(server.uri("/whip/" + room), "POST", origin, client.offer(true),
                "Content-Type", "application/sdp", "Authorization", "Bearer " + token);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(created.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Location")
                .contains("Link").contains("ETag");
        assertThat(created.headers().firstValue("ETag").orElse("")).as("RFC 9725 4.3").matches("\"[^\"]+\"");
        var unauthorized = withOrigin(server.uri("/whip/" + room), "POST", origin, client.offer(true), "Content-Type", "application/sdp");
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("Access-Control-Allow-Origin")).as("errors are readable too").hasValue("*");
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(server.send("DELETE", location, null, "Bearer " + token).status()).isEqualTo(200);
    }

    @Test
    void corsWithAnOriginListAnswersOnlyThoseOrigins() throws Exception {
        var c = TestServer.config(Db.H2, java.nio.file.Files.createTempDirectory("atrium-cors-"));
        try (TestServer listed = TestServer.start(new io.atrium.server.config.AtriumConfig(false, c.dataDir(), c.http(),
                new io.atrium.server.config.AtriumConfig.Rtc(0, null, null, null, null, null, null,
                        java.util.List.of("https://app.example.com")), c.database(), c.auth()))) {
            String other = listed.createRoom("cors list");
            var allowed = withOrigin(listed.uri("/whep/" + other), "OPTIONS", "https://app.example.com", null,
                    "Access-Control-Request-Method", "POST");
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
            assertThat(allowed.headers().firstValue("Vary")).hasValue("Origin");
            var refused = withOrigin(listed.uri("/whep/" + other), "POST", "https://evil.example", "v=0",
                    "Content-Type", "application/sdp");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).as("a page of another origin may not read it").isEmpty();
        }
    }

    /** Issue 22: GStreamer's webrtcbin writes a legacy a=ssrc msid that is not RFC 8830 syntax; it is not a reason to refuse. */
    @Test
    void aGStreamerOfferWithALegacySsrcMsidIsAccepted() {
        try (JavaPeer gst = new JavaPeer()) {
            String audio = Integer.toUnsignedString(JavaPeer.AUDIO_SSRC);
            String offer = gst.offer(true).replace("a=ssrc:" + audio + " cname:java\r\n",
                    "a=ssrc:" + audio + " msid:user717454655@host-53e34b3e webrtctransceiver1\r\n"
                            + "a=ssrc:" + audio + " cname:user717454655@host-53e34b3e\r\na=msid:user717454655@host-53e34b3e x\r\n");
            assertThat(offer).contains("msid:user717454655@host-53e34b3e");
            String token = server.token(room, "");
            Response created = whip("/whip/" + room, offer, "application/sdp", token);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            gst.connect(created.body());
            // packets sent before the media thread made the peer a publisher are not routed (nothing to route
            // to yet): keep talking until one is counted, as GStreamer would, however slow the machine
            int[] seq = {0};
            io.atrium.server.testing.Waits.waitUntil(() -> {
                for (int i = 0; i < 5; i++, seq[0]++) {
                    gst.sendAudio(seq[0], seq[0] * 960, 50, new byte[] {1, 2, 3});
                }
                return server.get("/v1/rooms/" + room + "/media").json().at("/media/publishers/0/packets_in").asLong() > 0;
            }, "the announced audio SSRC is routed", java.time.Duration.ofSeconds(60));
            assertThat(server.send("DELETE", created.raw().headers().firstValue("Location").orElseThrow(), null, "Bearer " + token)
                    .status()).isEqualTo(200);
        }
    }
}
