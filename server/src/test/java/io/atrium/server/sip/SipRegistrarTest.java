package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Ports;
import io.atrium.server.testing.Sipp;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The registrar against SIPp as the phone: digest registration over UDP and TCP, the REST listing,
 * expiry, bad and unknown credentials (403), the per-address limit on failed authentications, and a
 * captured authenticated REGISTER replayed by an attacker (401 stale, nothing registered).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipRegistrarTest {

    static final int FAILURES_PER_MINUTE = 3;

    TestServer server;
    int sipPort;

    @BeforeAll
    void start() throws Exception {
        sipPort = Ports.free();
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
        try (TestServer own = TestServer.start(server.config().withSip(sip(Ports.free(), FAILURES_PER_MINUTE)))) {
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

    /**
     * An attacker who captured SIPp's authenticated REGISTER sends it again as a new request of its own (new Via
     * branch, Call-ID, CSeq and Contact; the Authorization header as captured, and once more with the response in
     * capitals, which still verifies): both are answered 401 with {@code stale=true} and register nothing. The
     * captured message sent again unchanged from SIPp's port is a retransmission: JAIN-SIP's transaction answers it
     * with the same 200, it never reaches the replay check.
     */
    @Test
    void aCapturedRegisterReplayedAsANewRequestIsChallengedAsStale() throws IOException {
        createUser("erin", "erin-password", "1005");
        int phonePort = Ports.free();
        String sent;
        try (Sipp phone = Sipp.start("register.xml", Map.of("FINAL", "200", "EXPIRES", "300"), sipPort, phonePort,
                "-t", "u1", "-s", "1005", "-au", "erin", "-ap", "erin-password")) {
            assertOk(phone.await());
            sent = phone.messages();
        }
        Matcher m = AUTHENTICATED_REGISTER.matcher(sent);
        assertThat(m.find()).as("SIPp's authenticated REGISTER in\n" + sent).isTrue();
        String captured = m.group().replaceAll("\\r?\\n", "\r\n") + "\r\n\r\n";
        String authorization = header(captured, "Authorization");

        try (DatagramSocket asPhone = new DatagramSocket(phonePort, InetAddress.getLoopbackAddress())) {
            assertThat(firstLine(exchange(asPhone, captured))).as("a retransmission").isEqualTo("SIP/2.0 200 OK");
        }
        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Matcher response = Pattern.compile("response=\"([0-9a-f]+)\"").matcher(authorization);
            assertThat(response.find()).as(authorization).isTrue();
            String capitals = authorization.substring(0, response.start(1)) + response.group(1).toUpperCase(Locale.ROOT)
                    + authorization.substring(response.end(1));
            int port = attacker.getLocalPort();
            for (String credentials : List.of(authorization, capitals)) {
                String replay = "REGISTER sip:127.0.0.1:" + sipPort + " SIP/2.0\r\n"
                        + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK-replay-" + System.nanoTime() + "\r\n"
                        + header(captured, "From") + header(captured, "To")
                        + "Call-ID: replay-" + System.nanoTime() + "@127.0.0.1\r\n"
                        + "CSeq: 7 REGISTER\r\n"
                        + "Contact: <sip:1005@127.0.0.1:" + port + ";transport=UDP>\r\n"
                        + "Expires: 300\r\nMax-Forwards: 70\r\n"
                        + credentials + "Content-Length: 0\r\n\r\n";
                String answer = exchange(attacker, replay);
                assertThat(firstLine(answer)).as(answer).isEqualTo("SIP/2.0 401 Unauthorized");
                assertThat(answer).as(answer).containsPattern("(?i)WWW-Authenticate:.*stale=\"?true");
            }
            List<String> contacts = registrations("1005").findValuesAsText("contact");
            assertThat(contacts).as("SIPp's registration only").hasSize(1)
                    .allMatch(c -> c.contains("@127.0.0.1:" + phonePort + ";"))
                    .noneMatch(c -> c.contains("@127.0.0.1:" + attacker.getLocalPort() + ";"));
        }
    }

    /** The second REGISTER SIPp sent (the one with its credentials), up to its blank line. */
    private static final Pattern AUTHENTICATED_REGISTER =
            Pattern.compile("REGISTER sip:\\S+ SIP/2.0\\r?\\n(?:.+\\r?\\n)*?Authorization: Digest .*(?:\\r?\\n.+)*");

    private static String firstLine(String message) {
        return message.lines().findFirst().orElse("");
    }

    private static String header(String message, String name) {
        Matcher m = Pattern.compile("(?mi)^" + name + ":.*?(?=\\r?$)").matcher(message);
        assertThat(m.find()).as("no " + name + " in " + message).isTrue();
        return m.group() + "\r\n";
    }

    /** Sends {@code request} to Atrium from {@code socket} and returns the first answer to it (same CSeq). */
    private String exchange(DatagramSocket socket, String request) {
        String cseq = header(request, "CSeq");
        try {
            byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
            socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), sipPort));
            socket.setSoTimeout((int) Duration.ofSeconds(Sipp.TIMEOUT_SECONDS).toMillis());
            for (int i = 0; i < 10; i++) {
                DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
                socket.receive(p);
                String answer = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
                if (answer.startsWith("SIP/2.0 ") && answer.contains(cseq)) {
                    return answer;
                }
            }
            throw new AssertionError("no answer to\n" + request);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within " + Sipp.TIMEOUT_SECONDS + " s to\n" + request, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
