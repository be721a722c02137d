package io.atrium.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@code POST /web/meetings} under a burst of sign-ins with wrong passwords (docs/SECURITY.md, finding 21):
 * the hashes run only on the server's bounded hashing pool (never on request threads), a full pool is
 * 429, and the per-address failure limit holds while the burst is in flight.
 */
@Isolated // samples every thread of the JVM: another class's password checks beside it would count
class SignInFloodTest {

    static TestServer server(int failuresPerMinute, Integer hashThreads, Integer hashQueue) throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-signin-"));
        return TestServer.start(new AtriumConfig(false, c.dataDir(), c.http().withLimits(List.of(), failuresPerMinute, 100_000),
                c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(null, null, null, null, null, null, null, null, hashThreads, hashQueue, null, null)));
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code count} sign-ins at once; answers their statuses (0: no answer within a minute). */
    static List<HttpResponse<String>> burst(TestServer server, int count, String authorization) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(http.sendAsync(HttpRequest.newBuilder(server.uri("/web/meetings")).timeout(Duration.ofSeconds(60))
                    .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    static Map<Integer, Long> statuses(List<HttpResponse<String>> answers) {
        return answers.stream().collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
    }

    /** Names of the threads hashing a sign-in's password right now (Argon2id under PasswordHasher.matches). */
    static List<String> hashing() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().endsWith("PasswordHasher") && f.getMethodName().equals("matches"))
                        && Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith(SignedInMeetings.class.getName())))
                .map(e -> e.getKey().getName()).toList();
    }

    @Test
    void aBurstHashesOnlyOnTheBoundedPoolAndTheExcessIsRefused() throws Exception {
        try (TestServer server = server(1000, 1, 2)) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger most = new AtomicInteger();
            java.util.Set<String> hashers = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Thread sampler = new Thread(() -> {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (running.get() && System.nanoTime() < deadline) {
                    List<String> now = hashing();
                    hashers.addAll(now);
                    most.accumulateAndGet(now.size(), Math::max);
                    Thread.onSpinWait();
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            List<HttpResponse<String>> answers = burst(server, 40, basic("anyone", "anything"));
            running.set(false);
            sampler.join();
            assertThat(most.get()).as("passwords hashed at once").isBetween(1, 1);
            assertThat(hashers).as("only the hashing pool hashes, never a request thread").containsOnly("atrium-password");
            Map<Integer, Long> statuses = statuses(answers);
            assertThat(statuses.keySet()).as("%s", statuses).containsOnly(401, 429);
            assertThat(statuses.get(401)).as("%s", statuses).isPositive();
            assertThat(statuses.get(429)).as("a full pool refuses at once: %s", statuses).isPositive();
            assertThat(answers.stream().filter(a -> a.statusCode() == 429))
                    .allMatch(a -> a.headers().firstValue("Retry-After").isPresent());
        }
    }

    @Test
    void theFailureLimitHoldsWhileABurstIsInFlight() throws Exception {
        try (TestServer server = server(5, null, null)) {
            Map<Integer, Long> statuses = statuses(burst(server, 30, basic("anyone", "anything")));
            assertThat(statuses).as("5 guesses per minute, however many at once").isEqualTo(Map.of(401, 5L, 429, 25L));
        }
    }

    @Test
    void aRightPasswordGivesItsGuessBack() throws Exception {
        try (TestServer server = server(2, null, null)) {
            server.createUser("olga");
            assertThat(burst(server, 1, basic("olga", "wrong")).get(0).statusCode()).isEqualTo(401);
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> created = burst(server, 1, basic("olga", "password-olga")).get(0);
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            }
            assertThat(burst(server, 1, basic("olga", "wrong")).get(0).statusCode()).isEqualTo(401);
            assertThat(burst(server, 1, basic("olga", "password-olga")).get(0).statusCode())
                    .as("the limit is not an oracle").isEqualTo(429);
        }
    }
}
