package io.atrium.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The table: one column per server and the first server ÷ each other one, failures shown in place. */
class ReportTest {

    private static RunResult run(Scenario s, String server, double cpuSeconds) {
        // 10 s window, 100,000 packets delivered of 100,000 expected
        return new RunResult(s, server, 10, 100_000, 100_000, 0, 0, new ProcStats.Cpu(cpuSeconds * 0.75, cpuSeconds * 0.25),
                new ProcStats.Cpu(1, 0.5), 0, 0, 1_000_000, 4_000_000, 0, 0, "p", null);
    }

    @Test
    void aRatioColumnPerOtherServerAndFailuresInTheirColumn() {
        Scenario s = Scenario.parse("2x3", 500);
        Scenario t = Scenario.parse("1x2a", 500);
        String table = Report.table(List.of(s, t), List.of(run(s, "Atrium", 1), run(s, "Janus", 4), run(s, "Atrium baseline", 2),
                run(t, "Atrium", 1), RunResult.failed(t, "Janus", "did not start")), List.of("Atrium", "Janus", "Atrium baseline"));
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).isEqualTo("| scenario | metric | Atrium | Janus | Atrium baseline | Atrium ÷ Janus | Atrium ÷ Atrium baseline |");
        assertThat(lines.get(1)).isEqualTo("|---|---|---:|---:|---:|---:|---:|");
        assertThat(lines.get(2)).startsWith("| " + s.label() + " | packets forwarded / server CPU-s | 100,000 | 25,000 | 50,000 | 4.00 | 2.00 |");
        assertThat(lines).anyMatch(l -> l.startsWith("| " + t.label() + " | packets forwarded / server CPU-s | 100,000 | failed: did not start | – | – | – |"));

        String two = Report.table(List.of(s), List.of(run(s, "Atrium", 1), run(s, "Janus", 4)), List.of("Atrium", "Janus"));
        assertThat(two.lines().findFirst().orElseThrow()).endsWith("| Janus | Atrium ÷ Janus |");
    }

    /** A scenario run again (an A/B repeated in one run) gets rows of its own, in the order run, not the first run's twice. */
    @Test
    void aRepeatedScenarioReportsEachRun() {
        Scenario s = Scenario.parse("2x3", 500);
        String table = Report.table(List.of(s, s), List.of(run(s, "Atrium", 1), run(s, "Atrium baseline", 2),
                run(s, "Atrium baseline", 4), run(s, "Atrium", 2)), List.of("Atrium", "Atrium baseline"));
        assertThat(table.lines().filter(l -> l.startsWith("| " + s.label() + " | packets forwarded / server CPU-s")).toList())
                .containsExactly("| " + s.label() + " | packets forwarded / server CPU-s | 100,000 | 50,000 | 2.00 |",
                        "| " + s.label() + " | packets forwarded / server CPU-s | 50,000 | 25,000 | 2.00 |");
    }

    /**
     * A scenario run three times gets each server's median with its range and the ratio of the medians; a failed run
     * is left out, a scenario run once has no summary, and a run without repeats has none at all.
     */
    @Test
    void aRepeatedScenarioIsSummarisedByItsMedians() {
        Scenario s = Scenario.parse("2x3", 500);
        Scenario once = Scenario.parse("1x2a", 500);
        List<RunResult> results = List.of(run(s, "Atrium", 1), run(s, "Janus", 8), run(once, "Atrium", 1), run(once, "Janus", 1),
                run(s, "Atrium", 4), run(s, "Janus", 4), run(s, "Atrium", 2), RunResult.failed(s, "Janus", "did not start"));
        List<String> lines = Report.medians(List.of(s, once, s, s), results, List.of("Atrium", "Janus")).lines().toList();
        assertThat(lines.get(0)).isEqualTo("| scenario | metric | Atrium: median (min–max, windows) | Janus: median (min–max, windows) | Atrium ÷ Janus (medians) |");
        assertThat(lines.get(2)).isEqualTo("| " + s.label() + " | packets forwarded / server CPU-s | 50,000 (25,000–100,000, 3)"
                + " | 18,750 (12,500–25,000, 2) | 2.67 |");
        assertThat(lines.get(3)).isEqualTo("|  | loss | 0.000 % (0.000 %–0.000 %, 3) | 0.000 % (0.000 %–0.000 %, 2) | – |");
        assertThat(lines.get(4)).isEqualTo("|  | latency p99 (ms) | 4.00 (4.00–4.00, 3) | 4.00 (4.00–4.00, 2) | 1.00 |");
        assertThat(lines).hasSize(5).noneMatch(l -> l.contains(once.label()));

        // a server without a successful run has no median; a window without CPU measured (NaN) is not a value
        List<RunResult> janusFailed = List.of(run(s, "Atrium", 1), run(s, "Atrium", 0), RunResult.failed(s, "Janus", "did not start"),
                RunResult.failed(s, "Janus", "did not start"));
        assertThat(Report.medians(List.of(s, s), janusFailed, List.of("Atrium", "Janus")).lines().toList().get(2))
                .isEqualTo("| " + s.label() + " | packets forwarded / server CPU-s | 100,000 (100,000–100,000, 1) | – | – |");

        assertThat(Report.medians(List.of(s, once), results, List.of("Atrium", "Janus"))).isEmpty();
    }
}
