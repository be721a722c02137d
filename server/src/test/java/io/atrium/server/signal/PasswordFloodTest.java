package io.atrium.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.testing.RpcClient;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finding 5 of docs/SECURITY.md, measured over the real protocol: 4 anonymous sockets send 25 wrong
 * {@code room_password}s each while a member asks {@code get_room_members}; the member's answer times
 * are logged (the figures in the security notes). A member must not wait on the flood's Argon2id work.
 */
class PasswordFloodTest {

    private static final Logger log = LoggerFactory.getLogger(PasswordFloodTest.class);

    @Test
    void aWrongPasswordFloodDoesNotFreezeTheRoom() throws Exception {
        try (TestServer server = TestServer.start(Db.H2)) {
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
            AtomicBoolean flooding = new AtomicBoolean(true);
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
            flooding.set(false);
            assertThat(done.await(120, TimeUnit.SECONDS)).isTrue();
            List<Long> sorted = millis.stream().sorted().toList();
            long max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
            long median = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
            long limited = codes.stream().filter(c -> c == 429).count();
            log.info("FLOOD get_room_members during 4x25 wrong room_password: samples={} median={} ms max={} ms; answers 401={} 429={} none={}",
                    sorted.size(), median, max, codes.stream().filter(c -> c == 401).count(), limited,
                    codes.stream().filter(c -> c == -1).count());
            System.out.printf("FLOOD samples=%d median=%d ms max=%d ms 401=%d 429=%d none=%d%n", sorted.size(), median, max,
                    codes.stream().filter(c -> c == 401).count(), limited, codes.stream().filter(c -> c == -1).count());
            assertThat(codes).hasSize(100);
            assertThat(limited).as("failed passwords beyond the per-address limit are refused with 429").isPositive();
            assertThat(max).as("a member's call never waits for the flood (generous bound)").isLessThan(5000);
            attackers.forEach(RpcClient::close);
            member.close();
        }
    }
}
