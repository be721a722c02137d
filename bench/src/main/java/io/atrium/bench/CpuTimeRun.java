package io.atrium.bench;

import io.atrium.webrtc.srtp.SrtpProfile;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * <b>What it measures:</b> the same operations as {@link SrtpBenchmark}, {@link JdkGcmBaseline} and
 * {@link JdkCtrHmacBaseline} (their benchmark methods are called directly), in <em>thread CPU
 * time</em> and allocated bytes per operation, for 160 and 1200 octet payloads.
 *
 * <p>Why besides JMH: on a machine shared with other builds, JMH's wall-clock throughput counts the
 * time the benchmark thread waits for a core, so its rows swing by 3x and more. Thread CPU time
 * ({@code ThreadMXBean.getCurrentThreadCpuTime}) leaves that out; it still carries cache and
 * frequency effects of the neighbours. Each operation is warmed up with 150,000 calls, then timed
 * in 7 rounds of 50,000 calls; the report gives the fastest and the median round. Run with
 * {@code java -cp bench/target/benchmarks.jar io.atrium.bench.CpuTimeRun}.
 */
public final class CpuTimeRun {
    private static final int WARM_UP = 150_000;
    private static final int ROUNDS = 7;
    private static final int CALLS = 50_000;

    private interface Operation {
        long run() throws Exception;
    }

    private CpuTimeRun() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Operation> operations = new LinkedHashMap<>();
        for (SrtpProfile profile : SrtpProfile.values()) {
            for (int size : new int[] {160, 1200}) {
                SrtpBenchmark srtp = new SrtpBenchmark();
                srtp.profile = profile;
                srtp.payloadSize = size;
                srtp.setUp();
                operations.put("SrtpBenchmark.protect   " + profile + " " + size, srtp::protect);
                operations.put("SrtpBenchmark.unprotect " + profile + " " + size, srtp::unprotect);
            }
        }
        for (int size : new int[] {160, 1200}) {
            JdkGcmBaseline gcm = new JdkGcmBaseline();
            gcm.payloadSize = size;
            gcm.setUp();
            operations.put("JdkGcmBaseline.seal " + size, gcm::seal);
            operations.put("JdkGcmBaseline.open " + size, gcm::open);
            JdkCtrHmacBaseline ctr = new JdkCtrHmacBaseline();
            ctr.payloadSize = size;
            ctr.setUp();
            operations.put("JdkCtrHmacBaseline.protect " + size, ctr::protect);
            operations.put("JdkCtrHmacBaseline.unprotect " + size, ctr::unprotect);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (Map.Entry<String, Operation> entry : operations.entrySet()) {
            Operation operation = entry.getValue();
            for (int i = 0; i < WARM_UP; i++) {
                sink += operation.run();
            }
            double[] nanos = new double[ROUNDS];
            double bytes = 0;
            for (int round = 0; round < ROUNDS; round++) {
                long cpu = threads.getCurrentThreadCpuTime();
                long allocated = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < CALLS; i++) {
                    sink += operation.run();
                }
                nanos[round] = (threads.getCurrentThreadCpuTime() - cpu) / (double) CALLS;
                bytes = (threads.getCurrentThreadAllocatedBytes() - allocated) / (double) CALLS;
            }
            Arrays.sort(nanos);
            System.out.printf("%-58s min %,7.0f  median %,7.0f  CPU ns/op  %,6.0f B/op%n",
                    entry.getKey(), nanos[0], nanos[ROUNDS / 2], bytes);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
