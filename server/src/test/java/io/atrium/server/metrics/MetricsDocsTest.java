package io.atrium.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Scrapes;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import io.atrium.server.testing.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/OPERATIONS.md, the example Grafana dashboard and the alert rules keep up with {@code /metrics}:
 * every {@code atrium_*} name they use is scraped from a server with every optional meter on (webhooks
 * configured), every {@code atrium_*} metric scraped is named in docs/OPERATIONS.md, and every one is on a
 * panel of the dashboard (a timer's {@code _max} gauge aside: the panels show its quantiles or mean).
 */
class MetricsDocsTest {

    static final Path DOCS = Path.of("..", "docs");
    static final Pattern NAME = Pattern.compile("atrium_[a-z_]*[a-z]");
    static final Pattern FAMILY = Pattern.compile("(?m)^# TYPE (atrium_\\S+) ");

    @Test
    void docsDashboardAndAlertsNameExactlyTheScrapedMetrics() throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-metrics-docs-"));
        try (WebhookReceiver receiver = new WebhookReceiver();
             TestServer server = TestServer.start(Scrapes.withToken(c).withWebhooks(new AtriumConfig.Webhooks(
                     List.of(receiver.url("/ok")), WebhookReceiver.SECRET, null, null, null, null, null, null)))) {
            Scrapes.scrape(server); // the HTTP timer appears once a request has finished
            String exposition = Scrapes.scrape(server);
            String operations = Files.readString(DOCS.resolve("OPERATIONS.md"));
            for (Path doc : List.of(DOCS.resolve("OPERATIONS.md"), DOCS.resolve("grafana/atrium-dashboard.json"),
                    DOCS.resolve("grafana/atrium-alerts.yaml"))) {
                Set<String> unknown = new TreeSet<>();
                Matcher m = NAME.matcher(Files.readString(doc));
                while (m.find()) {
                    if (!Pattern.compile("(?m)^" + m.group() + "(_count|_sum|_max|_bucket)?[{ ]").matcher(exposition).find()) {
                        unknown.add(m.group());
                    }
                }
                assertThat(unknown).as("named in %s but not scraped:\n%s", doc, exposition).isEmpty();
            }
            Set<String> undocumented = new TreeSet<>();
            Set<String> scraped = new TreeSet<>();
            Matcher family = FAMILY.matcher(exposition);
            while (family.find()) {
                scraped.add(family.group(1));
                if (!operations.contains("`" + family.group(1))) {
                    undocumented.add(family.group(1));
                }
            }
            assertThat(undocumented).as("scraped but not in docs/OPERATIONS.md's metric table").isEmpty();

            Set<String> onPanels = new TreeSet<>();
            Matcher used = NAME.matcher(Files.readString(DOCS.resolve("grafana/atrium-dashboard.json")));
            while (used.find()) {
                onPanels.add(series(used.group()));
            }
            Set<String> withoutPanel = new TreeSet<>();
            for (String name : scraped) {
                boolean timerMax = name.endsWith("_max") && scraped.contains(name.substring(0, name.length() - "_max".length()));
                if (!onPanels.contains(series(name)) && !timerMax) {
                    withoutPanel.add(name);
                }
            }
            assertThat(withoutPanel).as("scraped but on no panel of docs/grafana/atrium-dashboard.json").isEmpty();
        }
    }

    /** The metric a sample name belongs to: without a counter's {@code _total} or a summary's or histogram's suffix. */
    private static String series(String name) {
        return name.replaceFirst("_(total|count|sum|bucket)$", "");
    }
}
