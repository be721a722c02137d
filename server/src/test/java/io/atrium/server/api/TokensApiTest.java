package io.atrium.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.Grants;
import io.atrium.server.auth.TokenService;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.TestServer.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code POST /v1/tokens} against a real server; the token is checked with the server's verifier. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokensApiTest {

    TestServer server;
    TokenService verifier;
    String room;

    @BeforeAll
    void start() {
        server = TestServer.start(Db.H2);
        verifier = new TokenService(Map.of(TestServer.KEY, TestServer.SECRET), Clock.systemUTC());
        room = server.post("/v1/rooms", "{\"room\":{\"name\":\"tokens\"}}").json().at("/room/uuid").asText();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void mintsAVerifiableTokenWithTheRequestedClaims() {
        String user = server.createUser("tok");
        Response r = server.post("/v1/tokens", """
                {"room": "%s", "identity": "call-1", "name": "Tess", "user_id": "%s", "admin": true, "ttl_seconds": 600,
                 "grants": {"publish": true, "subscribe": false, "publish_sources": ["microphone", "screen"], "data": false, "hidden": true}}
                """.formatted(room, user));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        AccessToken t = verifier.verify(r.json().get("token").asText(), Optional.of(UUID.fromString(room)));
        assertThat(t.identity()).isEqualTo("call-1");
        assertThat(r.json().get("identity").asText()).isEqualTo("call-1");
        assertThat(t.name()).isEqualTo("Tess");
        assertThat(t.user()).contains(UUID.fromString(user));
        assertThat(t.admin()).isTrue();
        assertThat(t.apiKey()).isEqualTo(TestServer.KEY);
        assertThat(t.grants().publish()).isTrue();
        assertThat(t.grants().subscribe()).isFalse();
        assertThat(t.grants().publishSources()).containsExactlyInAnyOrder(Grants.Source.MICROPHONE, Grants.Source.SCREEN);
        assertThat(t.grants().data()).isFalse();
        assertThat(t.grants().hidden()).isTrue();
        Instant expires = Instant.parse(r.json().get("expires_at").asText());
        assertThat(expires).isEqualTo(t.expiresAt());
        assertThat(expires).isBetween(Instant.now().plusSeconds(590), Instant.now().plusSeconds(601));
    }

    @Test
    void defaultsAreAFullParticipantWithARandomIdentity() {
        Response r = server.post("/v1/tokens", "{\"room\": \"" + room + "\"}");
        assertThat(r.status()).isEqualTo(201);
        AccessToken t = verifier.verify(r.json().get("token").asText(), Optional.empty());
        assertThat(UUID.fromString(t.identity())).isNotNull();
        assertThat(t.admin()).isFalse();
        assertThat(t.grants()).isEqualTo(Grants.participant());
        assertThat(t.expiresAt()).isAfter(Instant.now().plusSeconds(3590));
    }

    @Test
    void unknownRoomIs404AndBadInputIs400() {
        assertThat(server.post("/v1/tokens", "{\"room\": \"" + UUID.randomUUID() + "\"}").status()).isEqualTo(404);
        Map<String, String> cases = Map.of(
                "{}", "room",
                "{\"room\": \"x\"}", "room",
                "{\"room\": \"" + room + "\", \"ttl_seconds\": 0}", "ttl_seconds",
                "{\"room\": \"" + room + "\", \"ttl_seconds\": 999999999}", "ttl_seconds",
                "{\"room\": \"" + room + "\", \"admin\": \"yes\"}", "admin",
                "{\"room\": \"" + room + "\", \"user_id\": \"" + UUID.randomUUID() + "\"}", "user_id",
                "{\"room\": \"" + room + "\", \"grants\": {\"publish_sources\": [\"teleport\"]}}", "grants.publish_sources[0]",
                "{\"room\": \"" + room + "\", \"grants\": {\"sudo\": true}}", "grants.sudo");
        cases.forEach((body, field) -> {
            Response r = server.post("/v1/tokens", body);
            assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().at("/error/field").asText()).as(body).isEqualTo(field);
        });
    }
}
