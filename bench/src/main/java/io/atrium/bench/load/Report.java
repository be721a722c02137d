package io.atrium.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The one comparison table, in Markdown: per scenario a row per metric, each server, and the first server
 * ÷ each other one (Atrium ÷ Janus, and Atrium ÷ Atrium baseline when an earlier build runs beside it).
 */
public final class Report {

    private Report() {
    }

    private record Metric(String name, Function<RunResult, Double> value, String format) {
    }

    private static final Metric PER_CPU_SECOND = new Metric("packets forwarded / server CPU-s", RunResult::packetsPerCpuSecond, "%,.0f");
    private static final Metric LOSS = new Metric("loss", r -> 100 * r.loss(), "%.3f %%");
    private static final Metric P99 = new Metric("latency p99 (ms)", r -> r.p99Nanos() / 1e6, "%.2f");

    private static final List<Metric> METRICS = List.of(
            PER_CPU_SECOND,
            new Metric("packets forwarded / s", RunResult::deliveredPerSecond, "%,.0f"),
            new Metric("server CPU (% of one core)", RunResult::serverCpuPercent, "%.0f %%"),
            new Metric("… of which system (kernel)", RunResult::serverSystemCpuPercent, "%.0f %%"),
            new Metric("load generator CPU user (% of one core)", RunResult::clientUserCpuPercent, "%.0f %%"),
            new Metric("load generator CPU system (% of one core)", RunResult::clientSystemCpuPercent, "%.0f %%"),
            LOSS,
            new Metric("latency p50 (ms)", r -> r.p50Nanos() / 1e6, "%.2f"),
            P99,
            new Metric("memory per subscriber (KiB)", r -> r.memoryPerSubscriber() / 1024, "%,.0f"));

    /** {@code results} holds for each scenario the Atrium and Janus results (either may be missing or failed). */
    public static String table(List<Scenario> scenarios, List<RunResult> results, List<String> servers) {
        StringBuilder sb = header(servers, "", "");
        for (int k = 0; k < scenarios.size(); k++) {
            Scenario s = scenarios.get(k);
            int repeat = (int) scenarios.subList(0, k).stream().filter(s::equals).count(); // a scenario run again: its own rows
            boolean first = true;
            for (Metric m : METRICS) {
                sb.append("| ").append(first ? s.label() : "").append(" | ").append(m.name()).append(" |");
                double[] v = new double[servers.size()];
                java.util.Arrays.fill(v, Double.NaN);
                for (int i = 0; i < servers.size(); i++) {
                    RunResult r = find(results, s, servers.get(i), repeat);
                    if (r == null) {
                        sb.append(" – |");
                    } else if (!r.ok()) {
                        sb.append(first ? " failed: " + shorten(r.failure()) + " |" : " – |");
                    } else {
                        v[i] = m.value().apply(r);
                        sb.append(' ').append(String.format(Locale.ROOT, m.format(), v[i])).append(" |");
                    }
                }
                for (int i = 1; i < v.length; i++) {
                    ratio(sb, v[0], v[i]);
                }
                sb.append('\n');
                first = false;
            }
        }
        return sb.toString();
    }

    /** The metrics summarised over a scenario's repeats: the two the issue-17 targets are about, and loss. */
    private static final List<Metric> SUMMARISED = List.of(PER_CPU_SECOND, LOSS, P99);

    /**
     * For each scenario measured more than once (named again, or several windows after its warm-up), each server's
     * median over its successful windows with their range, and the
     * first server's median ÷ each other's (an undefined value, e.g. no CPU measured, is left out): one window of this machine moves by ±15 % (docs/PERFORMANCE.md), so a
     * figure is read from several. Empty when no scenario was repeated.
     */
    public static String medians(List<Scenario> scenarios, List<RunResult> results, List<String> servers) {
        List<Scenario> repeated = scenarios.stream().distinct().filter(s -> scenarios.stream().filter(s::equals).count() > 1).toList();
        if (repeated.isEmpty()) {
            return "";
        }
        StringBuilder sb = header(servers, ": median (min–max, windows)", " (medians)");
        for (Scenario s : repeated) {
            boolean first = true;
            for (Metric m : SUMMARISED) {
                sb.append("| ").append(first ? s.label() : "").append(" | ").append(m.name()).append(" |");
                double[] median = new double[servers.size()];
                for (int i = 0; i < servers.size(); i++) {
                    String server = servers.get(i);
                    double[] v = results.stream().filter(r -> r.ok() && r.scenario().equals(s) && r.server().equals(server))
                            .mapToDouble(r -> m.value().apply(r)).filter(x -> !Double.isNaN(x)).sorted().toArray();
                    median[i] = v.length == 0 ? Double.NaN : (v[(v.length - 1) / 2] + v[v.length / 2]) / 2;
                    sb.append(v.length == 0 ? " – |" : String.format(Locale.ROOT, " " + m.format() + " (" + m.format() + "–" + m.format() + ", %d) |",
                            median[i], v[0], v[v.length - 1], v.length));
                }
                for (int i = 1; i < median.length; i++) {
                    ratio(sb, median[0], median[i]);
                }
                sb.append('\n');
                first = false;
            }
        }
        return sb.toString();
    }

    /**
     * A table's head: scenario and metric, a column per server (its name followed by {@code serverNote}), and one per
     * server after the first for the first ÷ it (followed by {@code ratioNote}).
     */
    private static StringBuilder header(List<String> servers, String serverNote, String ratioNote) {
        StringBuilder sb = new StringBuilder("| scenario | metric |");
        servers.forEach(s -> sb.append(' ').append(s).append(serverNote).append(" |"));
        servers.stream().skip(1).forEach(o -> sb.append(' ').append(servers.get(0)).append(" ÷ ").append(o).append(ratioNote).append(" |"));
        sb.append("\n|---|---|");
        servers.forEach(s -> sb.append("---:|"));
        servers.stream().skip(1).forEach(s -> sb.append("---:|"));
        return sb.append('\n');
    }

    /** A ratio cell: {@code a ÷ b}, or "–" when either is undefined (NaN) or {@code b} is 0. */
    private static void ratio(StringBuilder sb, double a, double b) {
        boolean defined = !Double.isNaN(a) && !Double.isNaN(b) && b != 0;
        sb.append(defined ? String.format(Locale.ROOT, " %.2f |", a / b) : " – |");
    }

    /** The {@code repeat}-th result (from 0) of {@code s} on {@code server}. */
    private static RunResult find(List<RunResult> results, Scenario s, String server, int repeat) {
        return results.stream().filter(r -> r.scenario().equals(s) && r.server().equals(server)).skip(repeat).findFirst()
                .orElse(null);
    }

    private static String shorten(String s) {
        String one = String.valueOf(s).replace('\n', ' ').replace('|', '/');
        return one.length() > 80 ? one.substring(0, 77) + "..." : one;
    }
}
