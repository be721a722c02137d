package io.atrium.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.auth.PasswordHasher;
import io.atrium.server.auth.Secrets;
import io.atrium.server.store.UserStore;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.TestServer.Response;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The user directory and device registration, on H2 and on PostgreSQL. */
@ParameterizedClass
@EnumSource(Db.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsersApiTest {

    @Parameter
    Db db;

    TestServer server;
    UserStore store;

    @BeforeParameterizedClassInvocation
    void start() {
        server = TestServer.start(db);
        store = new UserStore(server.server().database().jdbc(), Clock.systemUTC());
    }

    @AfterParameterizedClassInvocation
    void stop() {
        server.close();
    }

    @Test
    void createGetListUpdateDelete() {
        Response created = server.post("/v1/users", """
                {"user": {"username": "carol", "display_name": "Carol C", "password": "correct horse", "sip_extension": "1001"}}""");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode user = created.json().get("user");
        String uuid = user.get("uuid").asText();
        assertThat(user.get("username").asText()).isEqualTo("carol");
        assertThat(user.get("display_name").asText()).isEqualTo("Carol C");
        assertThat(user.get("sip_extension").asText()).isEqualTo("1001");
        assertThat(user.toString()).doesNotContain("correct horse").doesNotContain("argon2").doesNotContain("password");

        UserStore.Credentials stored = store.credentials("carol").orElseThrow();
        assertThat(stored.passwordHash()).startsWith("$argon2id$");
        assertThat(new PasswordHasher().matches("correct horse", stored.passwordHash())).isTrue();

        assertThat(server.get("/v1/users/" + uuid).json().at("/user/username").asText()).isEqualTo("carol");
        assertThat(server.get("/v1/users").json().get("users").findValuesAsText("uuid")).contains(uuid);

        Response updated = server.put("/v1/users/" + uuid, """
                {"user": {"display_name": "Carol Updated", "password": "new password!", "sip_extension": null}}""");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.json().at("/user/display_name").asText()).isEqualTo("Carol Updated");
        assertThat(updated.json().at("/user/username").asText()).isEqualTo("carol");
        assertThat(updated.json().at("/user/sip_extension").isNull()).isTrue();
        assertThat(new PasswordHasher().matches("new password!", store.credentials("carol").orElseThrow().passwordHash())).isTrue();

        assertThat(server.delete("/v1/users/" + uuid).status()).isEqualTo(204);
        assertThat(server.get("/v1/users/" + uuid).status()).isEqualTo(404);
        assertThat(server.delete("/v1/users/" + uuid).status()).isEqualTo(404);
    }

    @Test
    void duplicateUsernameAndExtensionAre409() {
        server.createUser("dave");
        Response again = server.post("/v1/users", "{\"user\":{\"username\":\"dave\",\"password\":\"whatever1\"}}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().at("/error/field").asText()).isEqualTo("user.username");

        server.post("/v1/users", "{\"user\":{\"username\":\"erin\",\"password\":\"whatever1\",\"sip_extension\":\"2002\"}}");
        Response ext = server.post("/v1/users", "{\"user\":{\"username\":\"frank\",\"password\":\"whatever1\",\"sip_extension\":\"2002\"}}");
        assertThat(ext.status()).isEqualTo(409);
        assertThat(ext.json().at("/error/field").asText()).isEqualTo("user.sip_extension");
        assertThat(store.credentials("frank")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing user        | {}                                                          | user
            missing username    | {"user":{"password":"password1"}}                           | user.username
            bad username chars  | {"user":{"username":"a b","password":"password1"}}          | user.username
            username too long   | {"user":{"username":"%s","password":"password1"}}           | user.username
            missing password    | {"user":{"username":"gina"}}                                | user.password
            short password      | {"user":{"username":"gina","password":"short"}}             | user.password
            password wrong type | {"user":{"username":"gina","password":12345678}}            | user.password
            bad extension       | {"user":{"username":"gina","password":"password1","sip_extension":"12a"}} | user.sip_extension
            unknown field       | {"user":{"username":"gina","password":"password1","admin":true}} | user.admin
            """)
    void badUserInputIs400(String label, String body, String field) {
        Response r = server.post("/v1/users", body.formatted("x".repeat(65)));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().at("/error/field").asText()).isEqualTo(field);
        assertThat(store.credentials("gina")).isEmpty();
    }

    @Test
    void deviceRegistrationReturnsTheTokenOnceAndStoresItHashed() {
        String uuid = server.createUser("harry");
        Response r = server.post("/v1/users/" + uuid + "/devices", "{\"device\":{\"name\":\"harry's phone\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String token = r.json().get("device_token").asText();
        String deviceId = r.json().at("/device/uuid").asText();
        assertThat(token).hasSizeGreaterThanOrEqualTo(43);
        assertThat(r.json().at("/device/name").asText()).isEqualTo("harry's phone");
        assertThat(r.json().at("/device/user_id").asText()).isEqualTo(uuid);

        assertThat(store.findByDevice("harry's phone", Secrets.sha256Hex(token)).orElseThrow().username()).isEqualTo("harry");
        assertThat(store.findByDevice("harry's phone", Secrets.sha256Hex(token + "x"))).isEmpty();
        String storedHash = server.server().database().jdbc().inTransaction(tx -> tx.queryOne(
                "select token_hash from devices where uuid = ?", rs -> rs.getString(1), UUID.fromString(deviceId))).orElseThrow();
        assertThat(storedHash).isEqualTo(Secrets.sha256Hex(token)).isNotEqualTo(token);

        Response list = server.get("/v1/users/" + uuid + "/devices");
        assertThat(list.json().get("devices")).hasSize(1);
        assertThat(list.body()).doesNotContain(token).doesNotContain(storedHash);

        Response dup = server.post("/v1/users/" + uuid + "/devices", "{\"device\":{\"name\":\"harry's phone\"}}");
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.json().at("/error/field").asText()).isEqualTo("device.name");

        assertThat(server.delete("/v1/users/" + uuid + "/devices/" + deviceId).status()).isEqualTo(204);
        assertThat(store.findByDevice("harry's phone", Secrets.sha256Hex(token))).isEmpty();
        assertThat(server.delete("/v1/users/" + uuid + "/devices/" + deviceId).status()).isEqualTo(404);
    }

    @Test
    void devicesOfUnknownUserAre404() {
        String missing = UUID.randomUUID().toString();
        assertThat(server.post("/v1/users/" + missing + "/devices", "{\"device\":{\"name\":\"x\"}}").status()).isEqualTo(404);
        assertThat(server.get("/v1/users/" + missing + "/devices").status()).isEqualTo(404);
        assertThat(server.put("/v1/users/" + missing, "{\"user\":{\"display_name\":\"x\"}}").status()).isEqualTo(404);
    }

    @Test
    void deletingAUserRemovesItsMembershipsAndDevices() {
        String uuid = server.createUser("ivy");
        server.post("/v1/users/" + uuid + "/devices", "{\"device\":{\"name\":\"tablet\"}}");
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"ivy's\",\"members\":[{\"user_id\":\"" + uuid + "\",\"admin\":true}]}}")
                .json().at("/room/uuid").asText();
        assertThat(server.delete("/v1/users/" + uuid).status()).isEqualTo(204);
        assertThat(server.get("/v1/rooms/" + room).json().at("/room/members")).isEmpty();
        assertThat(store.devices(UUID.fromString(uuid))).isEmpty();
    }
}
