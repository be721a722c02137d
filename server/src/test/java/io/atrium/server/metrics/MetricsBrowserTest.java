package io.atrium.server.metrics;

import static io.atrium.server.testing.Scrapes.scrape;
import static io.atrium.server.testing.Scrapes.value;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.SdkScripts;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.Waits;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * {@code /metrics} during a real call: two Chromium pages in a meeting, scraped twice; the media,
 * feedback, room, WebSocket, HTTP, join-latency and JVM metrics are there and the counters move.
 * The bearer token is required outside dev mode ({@link MetricsAccessTest}: who may read it without one).
 */
@ResourceLock(Chromium.LOCK)
class MetricsBrowserTest {

    static final String TOKEN = Scrapes.TOKEN;

    @Test
    void countersMoveDuringARealCallAndTheTokenIsRequired() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-metrics-"));
        try (TestServer server = TestServer.start(c.withMetrics(new AtriumConfig.Metrics(true, TOKEN)))) {
            assertThat(server.send("GET", "/metrics", null, null).status()).isEqualTo(401);
            assertThat(server.send("GET", "/metrics", null, "Bearer wrong").status()).isEqualTo(401);
            String room = server.post("/v1/rooms", "{\"room\":{\"name\":\"metrics\",\"open\":true}}").json().at("/room/uuid").asText();
            try (Page ann = page(server, "ann"); Page bob = page(server, "bob")) {
                ann.evaluate(SdkScripts.JOIN, List.of(room, "Ann", "all"));
                bob.evaluate(SdkScripts.JOIN, List.of(room, "Bob", "all"));
                for (Page p : List.of(ann, bob)) {
                    Chromium.waitFor(p, SdkScripts.DECODES_OTHER);
                }
                String first = scrape(server);
                bob.evaluate("client.request('get_room_members', {})"); // one more signaling message, answered
                List<String> growing = List.of("atrium_media_packets_total{direction=\"in\",type=\"rtp\"}",
                        "atrium_media_packets_total{direction=\"out\",type=\"rtp\"}",
                        "atrium_media_packets_total{direction=\"in\",type=\"rtcp\"}",
                        "atrium_media_packets_total{direction=\"out\",type=\"rtcp\"}",
                        "atrium_media_bytes_total{direction=\"in\"}", "atrium_media_bytes_total{direction=\"out\"}",
                        "atrium_forward_latency_seconds_count", "atrium_forward_latency_seconds_sum",
                        "atrium_websocket_messages_total{direction=\"in\"}");
                String[] latest = {first};
                // media flows on: every counter grows by the next scrapes (RTCP once a second), however loaded the machine
                Waits.waitUntil(() -> {
                    latest[0] = scrape(server);
                    return growing.stream().allMatch(counter -> value(latest[0], counter) > value(first, counter));
                }, "every media and signaling counter to grow", Chromium.PATIENCE);
                String second = latest[0];
                assertThat(value(second, "atrium_pli_total{direction=\"out\"}")).as("PLIs to publishers").isPositive();
                assertThat(value(second, "atrium_rooms")).isEqualTo(1);
                assertThat(value(second, "atrium_media_rooms")).isEqualTo(1);
                assertThat(value(second, "atrium_members{kind=\"webrtc\"}")).isEqualTo(2);
                assertThat(value(second, "atrium_members{kind=\"whip\"}")).isZero();
                assertThat(value(second, "atrium_media_peers")).isEqualTo(4);
                assertThat(value(second, "atrium_tracks{direction=\"published\"}")).isGreaterThanOrEqualTo(4);
                assertThat(value(second, "atrium_tracks{direction=\"subscribed\"}")).isGreaterThanOrEqualTo(4);
                assertThat(value(second, "atrium_websocket_connections")).isEqualTo(2);
                assertThat(value(second, "atrium_join_latency_seconds_count")).isEqualTo(2);
                assertThat(value(second, "atrium_join_latency_seconds_sum")).isBetween(0.01, 30.0);
                assertThat(value(second, "atrium_rtt_seconds")).isBetween(0.0, 1.0);
                assertThat(value(second, "atrium_jitter_seconds")).isBetween(0.0, 1.0);
                assertThat(value(second, "atrium_packet_loss_ratio{side=\"subscribe\"}")).isBetween(0.0, 1.0);
                assertThat(value(second, "atrium_dtls_failures_total")).isZero();
                assertThat(value(second, "atrium_srtp_failures_total")).isZero();
                assertThat(value(second, "atrium_http_server_requests_seconds_count{method=\"POST\",route=\"/v1/rooms\",status=\"201\"}"))
                        .isEqualTo(1);
                assertThat(value(second, "atrium_http_server_requests_seconds_count{method=\"GET\",route=\"/metrics\",status=\"401\"}"))
                        .isEqualTo(2);
                assertThat(second).contains("# TYPE atrium_media_packets_total counter", "# TYPE atrium_join_latency_seconds histogram",
                        "atrium_dropped_datagrams_total{reason=\"unroutable\"}", "atrium_rate_limited_total{edge=\"websocket\"}",
                        "atrium_nack_total{direction=\"in\"}", "atrium_pli_total{direction=\"in\"}", "atrium_fir_total{direction=\"in\"}", "atrium_rtx_packets_total{direction=\"out\"}",
                        "jvm_memory_used_bytes", "jvm_gc_", "process_uptime_seconds");
            }
        }
    }

    static Page page(TestServer server, String label) {
        Page page = Chromium.newPage(label);
        page.navigate(server.uri("/healthz").toString());
        return page;
    }
}
