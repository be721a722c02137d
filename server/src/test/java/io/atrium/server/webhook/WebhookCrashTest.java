package io.atrium.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.ChildServer;
import io.atrium.server.testing.Uploads;
import io.atrium.server.testing.Waits;
import io.atrium.server.testing.WebhookReceiver;
import io.atrium.server.testing.WebhookReceiver.Delivery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox survives SIGKILL mid-delivery: a real Atrium JVM stores 24 file.ready events over three
 * rooms while the receiver has accepted 5 and holds the next requests open; the server is killed with
 * SIGKILL, started again over the same data directory, and the receiver must then have every event by
 * webhook-id (at least once: the held ones were processed by the receiver but never acknowledged, so
 * they come again with the same id and body), each room's events first seen in upload order, every
 * signature valid.
 */
class WebhookCrashTest {

    private static final int ROOMS = 3;
    private static final int FILES_PER_ROOM = 8;
    private static final int ACCEPTED_BEFORE_HOLD = 5;

    @TempDir
    Path dataDir;

    @Test
    void everyEventArrivesByIdAfterSigkillMidDelivery() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger arrivals = new AtomicInteger();
        try (WebhookReceiver receiver = new WebhookReceiver().on("/hook", (id, attempt) -> {
            if (arrivals.incrementAndGet() > ACCEPTED_BEFORE_HOLD) {
                try {
                    gate.await(120, TimeUnit.SECONDS); // held open until the server is dead
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 200;
        })) {
            Map<String, String> env = Map.of("ATRIUM_WEBHOOKS_URLS", "[\"" + receiver.url("/hook") + "\"]",
                    "ATRIUM_WEBHOOKS_SECRET", WebhookReceiver.SECRET,
                    "ATRIUM_WEBHOOKS_INITIAL_BACKOFF_SECONDS", "1",
                    "ATRIUM_WEBHOOKS_MAX_BACKOFF_SECONDS", "2",
                    "ATRIUM_WEBHOOKS_TIMEOUT_SECONDS", "60");
            Map<String, List<String>> uploaded = new LinkedHashMap<>();
            try (ChildServer server = ChildServer.start(dataDir, env)) {
                List<String> rooms = new ArrayList<>();
                for (int r = 0; r < ROOMS; r++) {
                    rooms.add(Uploads.createRoom(server.uri("/"), ChildServer.BASIC, "hooks-" + r));
                }
                byte[] clip = Uploads.clip();
                for (int i = 0; i < FILES_PER_ROOM; i++) {
                    for (String room : rooms) {
                        String id = Uploads.upload(server.uri("/"), ChildServer.BASIC, room, "clip-" + i + ".mp4", clip)
                                .get("file_id").asText();
                        uploaded.computeIfAbsent(room, k -> new ArrayList<>()).add(id);
                    }
                }
                Waits.waitUntil(() -> arrivals.get() > ACCEPTED_BEFORE_HOLD + 1, "requests held open at the receiver",
                        Duration.ofSeconds(60));
                server.kill();
            }
            int beforeRestart = receiver.at("/hook").size();
            gate.countDown(); // the held requests are now answered into closed connections
            Set<String> all = uploaded.values().stream().flatMap(List::stream).collect(Collectors.toSet());
            try (ChildServer again = ChildServer.start(dataDir, env)) {
                Waits.waitUntil(() -> fileIds(receiver).containsAll(all), "every file.ready after the restart", Duration.ofSeconds(90));
            }
            List<Delivery> got = receiver.at("/hook");
            Map<String, String> bodyById = new HashMap<>();
            for (Delivery d : got) {
                String before = bodyById.putIfAbsent(d.id(), d.body().toString());
                assertThat(before == null || before.equals(d.body().toString())).as("same body for %s", d.id()).isTrue();
            }
            long distinct = bodyById.size();
            System.out.printf("webhooks after SIGKILL: %d events, %d delivered before the kill, %d requests in all, %d distinct ids,"
                    + " %d repeats (dropped by id)%n", all.size(), beforeRestart, got.size(), distinct, got.size() - distinct);
            assertThat(distinct).isEqualTo(all.size());
            assertThat(fileIds(receiver)).containsExactlyInAnyOrderElementsOf(all);
            assertThat(receiver.badSignatures).hasValue(0);
            for (var e : uploaded.entrySet()) {
                List<String> firstSeen = got.stream().filter(d -> d.data().get("room").asText().equals(e.getKey()))
                        .map(d -> d.data().get("file_id").asText()).distinct().toList();
                assertThat(firstSeen).as("room %s in order", e.getKey()).containsExactlyElementsOf(e.getValue());
            }
        }
    }

    private static Set<String> fileIds(WebhookReceiver receiver) {
        return receiver.at("/hook").stream().filter(d -> d.type().equals("file.ready")).map(d -> d.data().get("file_id").asText())
                .collect(Collectors.toSet());
    }
}
