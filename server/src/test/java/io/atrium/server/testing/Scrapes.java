package io.atrium.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading {@code /metrics} in tests: a server configured with {@link #TOKEN}, its scrape, one sample's value. */
public final class Scrapes {

    /** The bearer token of {@link #withToken}. */
    public static final String TOKEN = "scrape-token-0123456789";

    private Scrapes() {
    }

    /** {@code c} with metrics on behind {@link #TOKEN}. */
    public static AtriumConfig withToken(AtriumConfig c) {
        return c.withMetrics(new AtriumConfig.Metrics(true, TOKEN));
    }

    /** The exposition text of {@code GET /metrics} with {@link #TOKEN}. */
    public static String scrape(TestServer server) {
        var r = server.send("GET", "/metrics", null, "Bearer " + TOKEN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The value of one sample line, e.g. {@code atrium_rooms} or {@code atrium_members{kind="whip"}}. */
    public static double value(String exposition, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as("sample " + sample + " in\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
