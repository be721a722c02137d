package io.atrium.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.AtriumServer;
import io.atrium.server.config.CommandLine;
import io.atrium.server.config.ConfigLoader;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator end to end on its batched I/O ({@link PeerIo}: every peer a channel on one shared event loop)
 * against a real Atrium started in this JVM from the config {@link AtriumProcess} writes: peers connect (ICE,
 * DTLS, SRTP), publishers send, subscribers receive, decrypt, check every payload's CRC and count in the window.
 * A modest load, so on any machine nothing may be lost; no assertion on speed.
 */
class PeerIoLoadTest {
    @TempDir
    static Path dir;
    static AtriumServer server;
    static AtriumProcess sfu;
    static final List<String> log = new CopyOnWriteArrayList<>();
    /**
     * The warm-up outlasts a key frame interval (2.5 s): an SFU starts a subscriber's video at a key frame, and one
     * asked for may be refused while another subscriber's request is being served, so the next periodic one
     * starts it. The windows then hold only steady forwarding: two, one after the other, each counted on its own.
     */
    static final LoadRunner runner = new LoadRunner(new LoadRunner.Duration(3), new LoadRunner.Duration(2), 2, 1,
            log::add);

    @BeforeAll
    static void startAtrium() throws Exception {
        sfu = new AtriumProcess(Path.of("not-used.jar"), List.of(), dir);
        Path config = sfu.writeConfig();
        server = AtriumServer.start(new ConfigLoader().load(CommandLine.parse("--config", config.toString()), Map.of()));
        sfu.awaitReady();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<RunResult> run(String spec) {
        List<RunResult> windows = runner.run(sfu, Scenario.parse(spec, 300));
        assertThat(windows.get(0).failure()).as("run failed; log:\n%s", String.join("\n", log)).isNull();
        return windows;
    }

    @Test
    void everyPacketSentInTheWindowArrivesDecryptedIntactCountedOnceAndOnTheLayerAskedFor() {
        // 2 publishers (audio + 3 simulcast layers each) to 3 subscribers; subscriber i asks for layer i mod 3 by
        // its render size. delivered counts only the asked-for layer's packets, so a subscriber fed another layer
        // (or none) makes delivered fall short of expected
        List<RunResult> windows = run("2x3s");
        assertThat(windows).hasSize(2);
        for (RunResult r : windows) {
            // at least the audio of the 2 s window
            assertThat(r.expected()).as("log:\n%s", String.join("\n", log)).isGreaterThanOrEqualTo(3L * 2 * 2 * 50 * 9 / 10);
            assertThat(r.delivered()).as("log:\n%s", String.join("\n", log)).isEqualTo(r.expected());
            assertThat(r.corrupt()).isZero();
            assertThat(r.duplicates()).isZero();
            assertThat(r.srtpProfile()).isNotEqualTo("null");
            assertThat(r.clientCpu().user()).isGreaterThan(0);
        }
        // every in-window packet's latency counts from its hand-over to the kernel (SendTimes), not from its stamp
        List<String> known = log.stream().filter(l -> l.contains("hand-over known")).toList();
        assertThat(known).as("log:\n%s", String.join("\n", log)).hasSize(2).allSatisfy(l -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("hand-over known for (\\d+) of (\\d+) packets").matcher(l);
            assertThat(m.find()).as(l).isTrue();
            assertThat(Long.parseLong(m.group(1))).as(l).isPositive().isEqualTo(Long.parseLong(m.group(2)));
        });
        // each window counts its own packets (the second would hold at least twice the first's with the first's too)
        assertThat((double) windows.get(1).expected()).isLessThan(1.5 * windows.get(0).expected());
    }
}
