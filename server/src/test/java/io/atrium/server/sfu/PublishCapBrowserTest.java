package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.Chromium;
import org.junit.jupiter.api.parallel.Isolated;
import io.atrium.server.testing.TestServer;
import io.atrium.server.testing.TestServer.Db;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chromium keeps its sending rate under {@code rooms.max_publish_kbps}: a WHIP publisher of a 1280x720 camera in
 * three simulcast layers, on a server without a cap, finds more than 600 kbit/s to send with (its
 * {@code availableOutgoingBitrate}); on a server capped at 300 kbit/s its estimate stays at the cap and it sends no
 * more than that (video bytes over 5 s, plus a margin for packet overhead).
 */
@Isolated
class PublishCapBrowserTest {

    private static final String RATE = "async pc => { const s = await pc.getStats(); let bytes = 0, available = 0;"
            + " for (const r of s.values()) { if (r.type === 'outbound-rtp' && r.kind === 'video') bytes += r.bytesSent;"
            + " if (r.type === 'candidate-pair' && r.nominated && r.availableOutgoingBitrate) available = r.availableOutgoingBitrate; }"
            + " return {bytes, available}; }";

    @Test
    void chromiumSendsNoMoreThanTheCap() throws Exception {
        try (TestServer open = server(null); Page page = publish(open)) {
            Chromium.waitFor(page, "(" + RATE + ")(pc).then(r => r.available > 600000 || r)", Duration.ofSeconds(60));
        }
        try (TestServer capped = server(300); Page page = publish(capped)) {
            Chromium.waitFor(page, "(" + RATE + ")(pc).then(r => r.bytes > 0 || r)");
            long sending = System.nanoTime();
            // Chromium's estimate settles under the REMB (Atrium sends one a second): at or under the cap for 3 s in a row,
            // three REMBs, so that the probes of a new connection, which raise it before the first REMB, are over
            Chromium.waitFor(page, "(" + RATE + ")(pc).then(r => { const under = r.available > 0 && r.available <= 300000;"
                    + " window.underSince = under ? (window.underSince ?? performance.now()) : undefined;"
                    + " return (under && performance.now() - window.underSince >= 3000) || r; })");
            System.out.printf("publish cap: Chromium's estimate at or under 300 kbit/s for 3 s, %.1f s after it began to send%n",
                    (System.nanoTime() - sending) / 1e9);
            Map<?, ?> from = (Map<?, ?>) page.evaluate("(" + RATE + ")(pc)");
            long start = System.nanoTime();
            page.waitForTimeout(5_000);
            Map<?, ?> to = (Map<?, ?>) page.evaluate("(" + RATE + ")(pc)");
            double seconds = (System.nanoTime() - start) / 1e9;
            double kbps = (((Number) to.get("bytes")).doubleValue() - ((Number) from.get("bytes")).doubleValue()) * 8 / seconds / 1000;
            assertThat(((Number) to.get("available")).doubleValue()).as("Chromium's estimate").isLessThanOrEqualTo(300_000);
            assertThat(kbps).as("video sent, kbit/s").isGreaterThan(20).isLessThan(300 * 1.3);
        }
    }

    private static TestServer server(Integer maxPublishKbps) throws Exception {
        AtriumConfig c = TestServer.config(Db.H2, Files.createTempDirectory("atrium-cap-"));
        return TestServer.start(new AtriumConfig(false, c.dataDir(), c.http(), c.rtc(), c.database(), c.auth(),
                new AtriumConfig.Rooms(null, null, null, null, null, null, null, null, null, null, null, maxPublishKbps)));
    }

    private static Page publish(TestServer server) {
        String room = server.createRoom("cap");
        Page page = Chromium.newPage("publisher");
        Chromium.installHelpers(page);
        page.navigate(server.uri("/play.html").toString());
        page.evaluate("([room, token]) => atriumTest.whip(room, token, {simulcast: true, video: {width: 1280, height: 720}})"
                + ".then(pc => { window.pc = pc; })", List.of(room, server.token(room, "")));
        return page;
    }
}
