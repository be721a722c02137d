package io.atrium.bench.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side media plane benchmark (issue 8): the same load against Atrium and Janus, one table.
 * Run by {@code scripts/bench} (see docs/PERFORMANCE.md); arguments:
 * <pre>
 *   --servers atrium,janus       which servers, in this order in the first scenario, reversed in the second, and so
 *                                on (no server is always measured first); "baseline" is Atrium from
 *                                --baseline-jar (an earlier build, for before/after in one run)
 *   --scenarios 1x50,5x20,10x10,20x20a,1x200,50x50a,3x30s
 *                                NxM = N publishers (Opus + VP8) x M subscribers; suffix a = audio only;
 *                                suffix s = VP8 in three simulcast layers f/h/q (100/30/10 % of --kbps),
 *                                subscriber i asks for layer i mod 3 (Atrium: render size; Janus: substream)
 *   --kbps 500                   VP8 target bitrate per publisher
 *   --warmup 90 --window 15      seconds after the last subscriber connected, and of the steady window (90: C2 has
 *                                compiled even the once-per-wake-up path at 1x50's rate, docs/PERFORMANCE.md
 *                                "Session of 2026-12-05 night"; --warmup 8 for a quick run)
 *   --windows 1                  windows one after another after the one warm-up, each a row of the table; with more
 *                                than one, the scenario is also summarised by its medians over them (as a scenario
 *                                named more than once is): one window of this host moves by ±15 %
 *   --client-threads 1           event loops of the load generator's peers (PeerIo: recvmmsg/sendmmsg)
 *   --atrium-jar server/target/atrium.jar
 *   --baseline-jar PATH          the jar the "baseline" server runs (same JVM options as Atrium)
 *   --atrium-jvm "-Xmx1g ..."    extra JVM options for Atrium (e.g. a JFR recording)
 *   --janus /usr/bin/janus
 *   --janus-iface janus0         the interface Janus gathers ICE candidates on (holds 127.0.0.1; scripts/bench)
 *   --work bench/target/load     logs and generated configs
 * </pre>
 */
public final class LoadMain {

    private static final String BASELINE = "Atrium baseline";

    private LoadMain() {
    }

    /**
     * The servers in the order scenario {@code index} measures them: as given for the first scenario, reversed for the
     * second, and so on. The server measured first in a scenario did worse than the one after it in order-swapped runs
     * of one build against another (docs/PERFORMANCE.md, "Evening of 2026-12-04"), so no server is always first.
     */
    static List<String> order(List<String> servers, int index) {
        if (index % 2 == 0) {
            return servers;
        }
        List<String> reversed = new ArrayList<>(servers);
        Collections.reverse(reversed);
        return reversed;
    }

    /** The table's rows: each scenario once per window, in the order they run. */
    static List<Scenario> rows(List<Scenario> scenarios, int windows) {
        List<Scenario> rows = new ArrayList<>();
        for (Scenario s : scenarios) {
            rows.addAll(Collections.nCopies(windows, s));
        }
        return rows;
    }

    public static void main(String[] args) throws Exception {
        List<String> servers = List.of("atrium", "janus");
        String scenarioSpec = "1x50,5x20,10x10,20x20a,1x200,50x50a,3x30s";
        int kbps = 500;
        double warmup = 90;
        double window = 15;
        int windows = 1;
        int clientThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        Path jar = Path.of("server/target/atrium.jar");
        Path baselineJar = null;
        List<String> jvm = List.of();
        Path janus = Path.of("/usr/bin/janus");
        String janusIface = "janus0";
        Path work = Path.of("bench/target/load");
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--servers" -> servers = Arrays.asList(v.toLowerCase(Locale.ROOT).split(","));
                case "--scenarios" -> scenarioSpec = v;
                case "--kbps" -> kbps = Integer.parseInt(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--window" -> window = Double.parseDouble(v);
                case "--windows" -> windows = Integer.parseInt(v);
                case "--client-threads" -> clientThreads = Integer.parseInt(v);
                case "--atrium-jar" -> jar = Path.of(v);
                case "--baseline-jar" -> baselineJar = Path.of(v);
                case "--atrium-jvm" -> jvm = v.isBlank() ? List.of() : Arrays.asList(v.trim().split("\\s+"));
                case "--janus" -> janus = Path.of(v);
                case "--janus-iface" -> janusIface = v;
                case "--work" -> work = Path.of(v);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (see LoadMain Javadoc)");
            }
            i++;
        }
        List<Scenario> scenarios = new ArrayList<>();
        for (String spec : scenarioSpec.split(",")) {
            scenarios.add(Scenario.parse(spec.trim(), kbps));
        }
        Files.createDirectories(work);
        LoadRunner runner = new LoadRunner(new LoadRunner.Duration(warmup), new LoadRunner.Duration(window), windows,
                clientThreads, System.out::println);
        List<RunResult> results = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (servers.contains("baseline") && baselineJar == null) {
            throw new IllegalArgumentException("--servers baseline needs --baseline-jar");
        }
        List<String> descriptions = new ArrayList<>();
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario s = scenarios.get(i);
            System.out.printf("%s: %d publishers x %d subscribers, %s; expect ~%,.0f packets/s forwarded%n",
                    s.label(), s.publishers(), s.subscribers(), s.media().describe(), s.expectedForwardRate());
            for (String server : order(servers, i)) {
                Path dir = work.resolve(s.name() + "-" + server);
                Sfu sfu;
                try {
                    sfu = switch (server) {
                        case "atrium" -> new AtriumProcess(jar, jvm, dir).start();
                        case "baseline" -> new AtriumProcess(BASELINE, baselineJar, jvm, dir).start();
                        case "janus" -> new JanusProcess(janus, dir, janusIface).start();
                        default -> throw new IllegalArgumentException("unknown server " + server);
                    };
                    if (!descriptions.contains(sfu.describe())) {
                        descriptions.add(sfu.describe());
                    }
                } catch (RuntimeException e) {
                    System.out.println("  " + server + " did not start: " + e.getMessage());
                    String name = switch (server) {
                        case "atrium" -> "Atrium";
                        case "baseline" -> BASELINE;
                        default -> "Janus";
                    };
                    for (int k = 0; k < windows; k++) { // a row for every window: the table lines up rows by their order
                        results.add(RunResult.failed(s, name, e.getMessage()));
                    }
                    continue;
                }
                try (sfu) {
                    if (!names.contains(sfu.name())) {
                        names.add(sfu.name());
                    }
                    results.addAll(runner.run(sfu, s));
                }
            }
        }
        System.out.println();
        System.out.printf("%d window(s) of %.0f s after %.0f s warm-up; %d CPUs; load average before the run is in the log above.%n",
                windows, window, warmup, Runtime.getRuntime().availableProcessors());
        descriptions.forEach(System.out::println);
        System.out.println();
        List<String> columns = names.isEmpty() ? List.of("Atrium", "Janus") : names;
        List<Scenario> rows = rows(scenarios, windows);
        System.out.print(Report.table(rows, results, columns));
        System.out.println();
        String medians = Report.medians(rows, results, columns);
        if (!medians.isEmpty()) {
            System.out.println("Scenarios measured more than once (named again, or --windows), over their windows:");
            System.out.println();
            System.out.print(medians);
            System.out.println();
        }
        for (int i = 0; i < results.size(); i++) {
            RunResult r = results.get(i);
            if (r.ok()) {
                long k = results.subList(0, i).stream()
                        .filter(o -> o.scenario().equals(r.scenario()) && o.server().equals(r.server())).count() % windows;
                System.out.printf(Locale.ROOT, "%s %s%s: client CPU %.0f %% of one core (user %.0f %%, system %.0f %%),"
                                + " pacer lateness p99 %.2f ms, corrupt %d, duplicates %d, PLI/FIR to publishers %d, SRTP %s%n", r.scenario().label(),
                        r.server(), windows == 1 ? "" : " window " + (k + 1), r.clientCpuPercent(), r.clientUserCpuPercent(),
                        r.clientSystemCpuPercent(),
                        r.pacerP99Nanos() / 1e6, r.corrupt(), r.duplicates(),
                        r.pliToPublishers(), r.srtpProfile());
            }
        }
    }
}
