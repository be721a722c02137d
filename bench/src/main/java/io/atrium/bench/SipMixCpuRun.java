package io.atrium.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * {@link SipMixBenchmark}'s frame in <em>thread CPU time</em> and allocated bytes per frame, for a
 * machine shared with other work (where JMH's wall clock counts waiting for a core; see
 * {@link CpuTimeRun}). For each codec and leg count: 300 frames warm-up, then 5 rounds of 200 frames;
 * the report gives the median round, the CPU per leg (slope between the smallest and largest leg
 * count) and legs per core (20 ms / that slope). Run with
 * {@code java -cp bench/target/benchmarks.jar io.atrium.bench.SipMixCpuRun [legs...]}.
 */
public final class SipMixCpuRun {

    private static final int WARM_UP = 300;
    private static final int ROUNDS = 5;
    private static final int FRAMES = 200;

    private SipMixCpuRun() {
    }

    public static void main(String[] args) {
        int[] counts = args.length == 0 ? new int[] {0, 50, 100} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.printf("%-15s %6s %14s %16s%n", "codec/bridge", "legs", "CPU us/frame", "alloc B/frame");
        String[][] cases = {{"pcmu", "none"}, {"opus", "none"}, {"pcmu", "speaking"}, {"pcmu", "silent"}, {"opus", "speaking"}};
        for (String[] c : cases) {
            String codec = c[0];
            String bridge = c[1];
            double first = 0;
            double last = 0;
            for (int legs : counts) {
                SipMixBenchmark b = new SipMixBenchmark();
                b.codec = codec;
                b.bridge = bridge;
                b.legs = legs;
                b.setUp();
                for (int i = 0; i < WARM_UP; i++) {
                    b.frame();
                }
                double[] rounds = new double[ROUNDS];
                long alloc = 0;
                for (int r = 0; r < ROUNDS; r++) {
                    long a0 = threads.getCurrentThreadAllocatedBytes();
                    long t0 = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < FRAMES; i++) {
                        b.frame();
                    }
                    rounds[r] = (threads.getCurrentThreadCpuTime() - t0) / 1000.0 / FRAMES;
                    alloc = (threads.getCurrentThreadAllocatedBytes() - a0) / FRAMES;
                }
                Arrays.sort(rounds);
                double median = rounds[ROUNDS / 2];
                System.out.printf("%-15s %6d %14.1f %16d%n", codec + "/" + bridge, legs, median, alloc);
                if (legs == counts[0]) {
                    first = median;
                }
                last = median;
            }
            int span = counts[counts.length - 1] - counts[0];
            double perLeg = (last - first) / span;
            System.out.printf("%-15s CPU per leg %.1f us per 20 ms frame = %.2f%% of a core; %.0f legs per core%n",
                    codec + "/" + bridge, perLeg, perLeg / 200.0, 20_000 / perLeg);
        }
    }
}
