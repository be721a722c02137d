package io.atrium.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Who may read {@code /metrics} without the bearer token: nobody in production (403 naming the setting), anyone in dev
 * mode; with metrics off it is not there (404). No browser, so it runs beside a browser class ({@link MetricsBrowserTest}
 * scrapes a real call).
 */
class MetricsAccessTest {

    static final String TOKEN = Scrapes.TOKEN;

    @Test
    void withoutATokenMetricsAreOpenInDevAndRefusedInProduction() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-metrics-"));
        try (TestServer server = TestServer.start(c)) {
            var refused = server.send("GET", "/metrics", null, null);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains("metrics.bearer_token");
        }
        AtriumConfig dev = new AtriumConfig(true, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(), null);
        try (TestServer server = TestServer.start(dev)) {
            var open = server.send("GET", "/metrics", null, null);
            assertThat(open.status()).isEqualTo(200);
            assertThat(open.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(open.body()).contains("atrium_rooms 0.0");
        }
        try (TestServer server = TestServer.start(c.withMetrics(new AtriumConfig.Metrics(false, TOKEN)))) {
            assertThat(server.send("GET", "/metrics", null, "Bearer " + TOKEN).status()).isEqualTo(404);
        }
    }
}
