package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Closer;
import io.atrium.server.testing.JavaPeer;
import io.atrium.server.testing.Linphone;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * linphone (liblinphone/belle-sip 5.1, Debian {@code linphone-cli}), a softphone that knows RFC 8760: Atrium
 * challenges with SHA-256 first and MD5 second, and linphone registers and calls with SHA-256.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipLinphoneTest {

    TestServer server;
    int sipPort;
    String alice;
    @RegisterExtension
    final Closer open = new Closer();

    @BeforeAll
    void start() throws IOException {
        sipPort = Ports.free();
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-linphone-"));
        server = TestServer.start(c.withSip(new AtriumConfig.Sip(true, "127.0.0.1", sipPort, "", "atrium", 60, 3600, 100, 30, 0, 0,
                List.of("SHA-256", "MD5"), List.of())));
        TestServer.Response r = server.post("/v1/users", "{\"user\":{\"username\":\"alice\",\"display_name\":\"Alice Linphone\","
                + "\"password\":\"alice-password\",\"sip_extension\":\"1001\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        alice = r.json().at("/user/uuid").asText();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    JsonNode registration() {
        JsonNode list = server.get("/v1/sip/registrations?extension=1001").json().get("registrations");
        return list.isEmpty() ? null : list.get(0);
    }

    /** The digest algorithms of the Authorization headers linphone sent with {@code method} requests. */
    static List<String> authorizationAlgorithms(String log, String method) {
        Matcher m = Pattern.compile("(?m)^" + method + " sip:[^\\n]*\\n(?:[^\\n]+\\n)*?Authorization:\\s*Digest [^\\n]*algorithm=([A-Za-z0-9-]+)")
                .matcher(log);
        List<String> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /**
     * linphone answers Atrium's two challenges (SHA-256, then MD5) with SHA-256: the registration is listed
     * with it, and its INVITE to an open room's number, challenged the same way, brings it into the room as
     * a SIP member named after its user; its hang-up leaves the room.
     */
    @Test
    void linphoneRegistersAndCallsARoomWithSha256Digest() {
        String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"linphone\",\"open\":true}}").json().at("/room/uuid").asText();
        String number = server.get("/v1/sip/rooms/" + room).json().get("number").asText();
        RpcClient host = open.track(RpcClient.connect(server));
        String token = host.call("authenticate", Map.of("room", room, "call_id", "host-" + UUID.randomUUID())).get("auth_token").asText();
        JavaPeer peer = open.track(new JavaPeer());
        peer.connect(host.call("join_room", Map.of("sdp", peer.offer(true), "auth_token", token)).get("sdp").asText());

        try (Linphone phone = open.track(Linphone.start(sipPort, "1001", "alice", "alice-password"))) {
            Waits.waitUntil(() -> registration() != null, "linphone's digest registration", Duration.ofSeconds(30));
            JsonNode reg = registration();
            assertThat(reg.get("digest_algorithm").asText()).as(phone.log()).isEqualTo("SHA-256");
            assertThat(reg.get("user_uuid").asText()).isEqualTo(alice);
            assertThat(reg.get("user_agent").asText()).containsIgnoringCase("linphone");
            assertThat(authorizationAlgorithms(phone.log(), "REGISTER")).isNotEmpty().containsOnly("SHA-256");

            phone.type("call sip:" + number + "@127.0.0.1:" + sipPort);
            JsonNode joined = host.await("member_join_room");
            assertThat(joined.get("is_sip").asBoolean()).isTrue();
            assertThat(joined.get("name").asText()).isEqualTo("Alice Linphone");
            assertThat(authorizationAlgorithms(phone.log(), "INVITE")).as("linphone's INVITE").isNotEmpty().containsOnly("SHA-256");
            JsonNode calls = server.get("/v1/sip/calls").json().get("calls");
            assertThat(calls.findValuesAsText("call_id")).contains(joined.get("id").asText());

            phone.type("terminate");
            assertThat(host.await("member_leave_room").get("member").asText()).isEqualTo(joined.get("id").asText());
        }
        Waits.waitUntil(() -> registration() == null, "linphone's unregistration");
    }
}
