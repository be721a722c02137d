package io.atrium.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.edge.Json;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.Waits;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finding 5 of docs/SECURITY.md over the real protocol. The flood: 4 anonymous sockets send 25 wrong
 * {@code room_password}s each while a member asks {@code get_room_members}; the member's answer times
 * are logged (the figures in the security notes), with the default limits and with the failure limits
 * lifted (the hashing pool alone). Then the limits per address and per room, and equal refusal times.
 */
class PasswordFloodTest {

    private static final Logger log = LoggerFactory.getLogger(PasswordFloodTest.class);

    static TestServer server(Integer perAddress, Integer perRoom) throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-flood-"));
        return TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(null, null, null, 1000, null, perAddress, perRoom, null, null, null, null, null)));
    }

    @Test
    void aWrongPasswordFloodDoesNotFreezeTheRoom() throws Exception {
        long limited = flood(server(null, null), "default limits");
        assertThat(limited).as("failed passwords beyond the per-address limit are refused with 429").isPositive();
        assertThat(flood(server(1000, 1000), "failure limits lifted")).isZero();
    }

    @Test
    void failedPasswordsAreLimitedPerRoomAndPerAddress() throws Exception {
        try (TestServer server = server(5, 3)) {
            String a = passwordRoom(server);
            String b = passwordRoom(server);
            try (RpcClient c = RpcClient.connect(server)) {
                for (int i = 0; i < 3; i++) {
                    assertThat(c.request("authenticate", attempt(a, "wrong")).at("/error/code").asInt()).isEqualTo(401);
                }
                JsonNode roomLimited = c.request("authenticate", attempt(a, "sesame"));
                assertThat(roomLimited.at("/error/code").asInt()).isEqualTo(429);
                assertThat(roomLimited.at("/error/message").asText()).matches("too many failed passwords, retry in \\d+ s");
                long wait = Long.parseLong(roomLimited.at("/error/message").asText().replaceAll("\\D", ""));
                assertThat(wait).isBetween(1L, 300L);
                // another room still checks passwords, until this address has failed 5 times
                assertThat(c.request("authenticate", attempt(b, "wrong")).at("/error/code").asInt()).isEqualTo(401);
                assertThat(c.request("authenticate", attempt(b, "wrong")).at("/error/code").asInt()).isEqualTo(401);
                assertThat(c.request("authenticate", attempt(b, "sesame")).at("/error/code").asInt()).isEqualTo(429);
                // no password, no check, no limit
                String open = server.post("/v1/rooms", "{\"room\":{\"name\":\"o\",\"open\":true}}").json().at("/room/uuid").asText();
                assertThat(c.call("authenticate", Map.of("room", open, "call_id", "free")).has("auth_token")).isTrue();
            }
        }
    }

    static TestServer server(Integer perAddress, Integer perRoom, Integer hashThreads, Integer hashQueue) throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-flood-"));
        return TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(null, null, null, 1000, null, perAddress, perRoom, null, hashThreads, hashQueue, null, null)));
    }

    /** Sends {@code count} wrong-password authenticates to {@code room} at once (pipelined, not waiting for answers). */
    static void burst(RpcClient c, String room, int count) {
        for (int i = 0; i < count; i++) {
            c.sendRaw(Json.MAPPER.createObjectNode().put("id", "g" + i).put("method", "authenticate")
                    .set("params", Json.MAPPER.valueToTree(attempt(room, "wrong-" + i))).toString());
        }
    }

    @Test
    void aBurstOfGuessesUsesUpTheAddressBudgetWhileInFlight() throws Exception {
        try (TestServer server = server(3, 1000, null, null); RpcClient c = RpcClient.connect(server)) {
            String room = passwordRoom(server);
            burst(c, room, 20);
            Waits.waitUntil(() -> c.notifications.size() >= 20, "20 answers");
            long wrong = c.notifications.stream().filter(n -> n.at("/error/code").asInt() == 401).count();
            long limited = c.notifications.stream().filter(n -> n.at("/error/message").asText().startsWith("too many failed passwords")).count();
            assertThat(wrong).as("at most the per-address budget is hashed, however many are in flight").isEqualTo(3);
            assertThat(limited).isEqualTo(17);
        }
    }

    @Test
    void aRightPasswordGivesItsGuessBack() throws Exception {
        try (TestServer server = server(2, 1000, null, null); RpcClient c = RpcClient.connect(server)) {
            String room = passwordRoom(server);
            assertThat(c.request("authenticate", attempt(room, "wrong")).at("/error/code").asInt()).isEqualTo(401);
            for (int i = 0; i < 3; i++) {
                assertThat(c.request("authenticate", attempt(room, "sesame")).has("result")).isTrue();
            }
            assertThat(c.request("authenticate", attempt(room, "wrong")).at("/error/code").asInt()).isEqualTo(401);
            assertThat(c.request("authenticate", attempt(room, "sesame")).at("/error/code").asInt()).isEqualTo(429);
        }
    }

    @Test
    void guessesFillingTheHashingPoolDoNotKeepAnyoneOutOfARoomWithoutPassword() throws Exception {
        try (TestServer server = server(1000, 1000, 1, 1); RpcClient guesser = RpcClient.connect(server);
             RpcClient guest = RpcClient.connect(server)) {
            String room = passwordRoom(server);
            String open = server.post("/v1/rooms", "{\"room\":{\"name\":\"o\",\"open\":true}}").json().at("/room/uuid").asText();
            for (int round = 0; round < 3; round++) {
                guesser.notifications.clear();
                burst(guesser, room, 30);
                Waits.waitUntil(() -> guesser.notifications.stream().anyMatch(n -> n.at("/error/message").asText().equals("too many requests")),
                        "the hashing pool's queue is full");
                JsonNode r = guest.request("authenticate", Map.of("room", open, "call_id", "guest-" + round));
                assertThat(r.has("result")).as("a password-less authenticate while the pool is full: %s", r).isTrue();
                Waits.waitUntil(() -> guesser.notifications.size() >= 30, "every guess answered");
            }
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnBucket() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-flood-"));
        AtriumConfig.Http h = c.http();
        AtriumConfig proxied = new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(null, null, null, 1000, null, 2, 1000, null, null, null, null, null))
                .withHttp(new AtriumConfig.Http(h.host(), h.port(), h.maxBodyBytes(), h.shutdownGraceSeconds(), h.tls(),
                        List.of("127.0.0.1"), null, null));
        try (TestServer server = TestServer.start(proxied)) {
            String room = passwordRoom(server);
            java.net.URI rtc = java.net.URI.create("ws://127.0.0.1:" + server.server().httpPort() + "/v1/rtc");
            try (RpcClient a = new RpcClient(rtc, Map.of("X-Forwarded-For", "203.0.113.7"));
                 RpcClient b = new RpcClient(rtc, Map.of("X-Forwarded-For", "203.0.113.8"))) {
                assertThat(a.request("authenticate", attempt(room, "wrong")).at("/error/code").asInt()).isEqualTo(401);
                assertThat(a.request("authenticate", attempt(room, "wrong")).at("/error/code").asInt()).isEqualTo(401);
                assertThat(a.request("authenticate", attempt(room, "wrong")).at("/error/code").asInt()).isEqualTo(429);
                assertThat(b.request("authenticate", attempt(room, "wrong")).at("/error/code").asInt()).isEqualTo(401);
            }
        }
    }

    @Test
    void unknownUsersAndWrongPasswordsAreRefusedAlike() throws Exception {
        try (TestServer server = server(100, 100)) {
            server.createUser("known");
            String room = passwordRoom(server);
            List<Long> unknown = new ArrayList<>();
            List<Long> wrong = new ArrayList<>();
            try (RpcClient c = RpcClient.connect(server)) {
                for (int i = 0; i < 12; i++) {
                    boolean exists = i % 2 == 0;
                    long start = System.nanoTime();
                    JsonNode r = c.request("authenticate", Map.of("room", room, "call_id", "t" + i,
                            "username", exists ? "known" : "nobody-" + i, "password", "not-it"));
                    long micros = (System.nanoTime() - start) / 1000;
                    assertThat(r.at("/error/message").asText()).isEqualTo("invalid username or password");
                    if (i >= 2) { // the first of each warms up
                        (exists ? wrong : unknown).add(micros);
                    }
                }
            }
            long u = median(unknown);
            long w = median(wrong);
            log.info("TIMING unknown user median {} us, wrong password median {} us", u, w);
            System.out.printf("TIMING unknown user median %d us, wrong password median %d us%n", u, w);
            assertThat(u * 3).as("an unknown user is refused about as slowly as a wrong password").isGreaterThan(w);
        }
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    static String passwordRoom(TestServer server) {
        return server.post("/v1/rooms", "{\"room\":{\"name\":\"p\",\"password\":\"sesame\",\"force_password\":true}}")
                .json().at("/room/uuid").asText();
    }

    static Map<String, Object> attempt(String room, String password) {
        return Map.of("room", room, "call_id", UUID.randomUUID().toString(), "room_password", password);
    }

    /** Runs the flood against {@code server} (closed after) and returns how many attempts got 429. */
    static long flood(TestServer target, String label) throws Exception {
        try (TestServer server = target) {
            String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"flood\",\"password\":\"sesame\",\"force_password\":true}}")
                    .json().at("/room/uuid").asText();
            RpcClient member = RpcClient.connect(server);
            member.call("authenticate", Map.of("room", room, "call_id", "member", "room_password", "sesame"));
            List<RpcClient> attackers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                attackers.add(RpcClient.connect(server));
            }
            ConcurrentLinkedQueue<Integer> codes = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(attackers.size());
            for (int a = 0; a < attackers.size(); a++) {
                RpcClient c = attackers.get(a);
                int n = a;
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; i < 25; i++) {
                            JsonNode r = c.request("authenticate", Map.of("room", room, "call_id", "x" + n + "-" + i,
                                    "room_password", "wrong-" + i));
                            codes.add(r.at("/error/code").asInt());
                        }
                    } catch (AssertionError e) {
                        codes.add(-1); // no answer within RpcClient's 10 s
                    } finally {
                        done.countDown();
                    }
                });
                t.setDaemon(true);
                t.start();
            }
            List<Long> millis = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (done.getCount() > 0 && System.nanoTime() < deadline && millis.size() < 200) {
                long start = System.nanoTime();
                JsonNode r = member.request("get_room_members", Map.of());
                millis.add((System.nanoTime() - start) / 1_000_000);
                assertThat(r.has("result")).as(r.toString()).isTrue();
                Thread.sleep(50);
            }
            assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
            List<Long> sorted = millis.stream().sorted().toList();
            long max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
            long median = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
            long limited = codes.stream().filter(c -> c == 429).count();
            log.info("FLOOD ({}) get_room_members during 4x25 wrong room_password: samples={} median={} ms max={} ms;"
                    + " answers 401={} 429={} none={}", label, sorted.size(), median, max, codes.stream().filter(c -> c == 401).count(), limited,
                    codes.stream().filter(c -> c == -1).count());
            System.out.printf("FLOOD (%s) samples=%d median=%d ms max=%d ms 401=%d 429=%d none=%d%n", label, sorted.size(), median, max,
                    codes.stream().filter(c -> c == 401).count(), limited, codes.stream().filter(c -> c == -1).count());
            assertThat(codes).hasSize(100);
            assertThat(max).as("a member's call never waits for the flood (generous bound)").isLessThan(5000);
            attackers.forEach(RpcClient::close);
            member.close();
            return limited;
        }
    }
}
