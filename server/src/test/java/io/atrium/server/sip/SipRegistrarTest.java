package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The registrar against SIPp as the phone: digest registration over UDP and TCP, the REST listing,
 * expiry, bad and unknown credentials (403) and the per-address limit on failed authentications.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipRegistrarTest {

    static final int FAILURES_PER_MINUTE = 3;

    TestServer server;
    int sipPort;

    @BeforeAll
    void start() throws Exception {
        sipPort = Sipp.freePort();
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-sip-"));
        server = TestServer.start(c.withSip(sip(sipPort, 100)));
        createUser("alice", "alice-password", "1001");
        createUser("bob", "bob-password", "1002");
    }

    /** SIP on {@code port}; MD5 only, because SIPp 3.6 answers only the first challenge and knows no SHA-256. */
    static AtriumConfig.Sip sip(int port, int failuresPerMinute) {
        return new AtriumConfig.Sip(true, "127.0.0.1", port, "", "atrium", 1, 3600, failuresPerMinute, 30, 0, 0,
                List.of("MD5"), List.of());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    void createUser(String name, String password, String extension) {
        assertThat(server.post("/v1/users", "{\"user\":{\"username\":\"" + name + "\",\"password\":\"" + password
                + "\",\"sip_extension\":\"" + extension + "\"}}").status()).isEqualTo(201);
    }

    Sipp.Result register(String transport, String extension, String user, String password, String expect, int expires) {
        return Sipp.run("register.xml", Map.of("FINAL", expect, "EXPIRES", String.valueOf(expires)), sipPort,
                "-t", transport, "-s", extension, "-au", user, "-ap", password);
    }

    static void assertOk(Sipp.Result r) {
        assertThat(r.ok()).as(r.toString()).isTrue();
    }

    JsonNode registrations(String extension) {
        return server.get("/v1/sip/registrations?extension=" + extension).json().get("registrations");
    }

    @Test
    void phonesRegisterOverUdpAndTcpAndAreListed() {
        assertOk(register("u1", "1001", "alice", "alice-password", "200", 300));
        assertOk(register("t1", "1001", "alice", "alice-password", "200", 300));
        JsonNode list = registrations("1001");
        assertThat(list).hasSize(2);
        assertThat(list.findValuesAsText("transport")).containsExactlyInAnyOrder("udp", "tcp");
        assertThat(list.get(0).get("username").asText()).isEqualTo("alice");
        assertThat(list.get(0).get("user_agent").asText()).isEqualTo("SIPp register test");
        assertThat(list.findValuesAsText("digest_algorithm")).as("SIPp answers MD5 only").containsOnly("MD5");
        assertThat(list.get(0).get("contact").asText()).startsWith("sip:1001@127.0.0.1:");
        JsonNode all = server.get("/v1/sip/registrations").json().get("registrations");
        assertThat(all.findValuesAsText("extension")).contains("1001");
    }

    @Test
    void registrationsExpire() {
        assertOk(register("u1", "1002", "bob", "bob-password", "200", 1));
        Waits.waitUntil(() -> registrations("1002").isEmpty(), "the 1-second registration of 1002 to expire");
    }

    @Test
    void wrongPasswordUnknownUserAndForeignExtensionAreRefused() {
        assertOk(register("u1", "1002", "bob", "wrong-password", "403", 300));
        assertOk(register("u1", "1002", "nobody", "whatever", "403", 300));
        // good credentials, but 1001 is alice's
        assertOk(register("u1", "1001", "bob", "bob-password", "403", 300));
        assertThat(registrations("1002").findValuesAsText("username")).doesNotContain("nobody");
    }

    @Test
    void aNewPasswordReplacesTheDigestsAndANewUsernameDropsThem() {
        createUser("dave", "dave-password", "1004");
        String uuid = server.get("/v1/users").json().get("users").findParents("username").stream()
                .filter(u -> u.get("username").asText().equals("dave")).findFirst().orElseThrow().get("uuid").asText();
        assertThat(server.send("PUT", "/v1/users/" + uuid, "{\"user\":{\"password\":\"dave-new-password\"}}",
                TestServer.BASIC).status()).isEqualTo(200);
        assertOk(register("u1", "1004", "dave", "dave-password", "403", 300));
        assertOk(register("u1", "1004", "dave", "dave-new-password", "200", 300));
        assertThat(server.send("PUT", "/v1/users/" + uuid, "{\"user\":{\"username\":\"david\"}}",
                TestServer.BASIC).status()).isEqualTo(200);
        assertOk(register("u1", "1004", "david", "dave-new-password", "403", 300));
        assertThat(server.send("PUT", "/v1/users/" + uuid, "{\"user\":{\"password\":\"david-password\"}}",
                TestServer.BASIC).status()).isEqualTo(200);
        assertOk(register("u1", "1004", "david", "david-password", "200", 300));
    }

    @Test
    void tooManyFailuresBlockTheAddress() {
        // its own server: the failures of the other tests must not count here
        try (TestServer own = TestServer.start(server.config().withSip(sip(Sipp.freePort(), FAILURES_PER_MINUTE)))) {
            int port = own.config().sip().port();
            own.post("/v1/users", "{\"user\":{\"username\":\"carol\",\"password\":\"carol-password\",\"sip_extension\":\"1003\"}}");
            for (int i = 0; i < FAILURES_PER_MINUTE; i++) {
                assertOk(Sipp.run("register.xml", Map.of("FINAL", "403", "EXPIRES", "300"), port, "-t", "u1",
                        "-s", "1003", "-au", "carol", "-ap", "guess-" + i));
            }
            Sipp.Result blocked = Sipp.run("register-blocked.xml", Map.of(), port, "-t", "u1", "-s", "1003");
            assertThat(blocked.ok()).as(blocked.toString()).isTrue();
            assertThat(blocked.errors()).contains("Too many failed authentications");
            assertThat(own.get("/v1/sip/registrations").json().get("registrations")).isEmpty();
        }
    }
}
