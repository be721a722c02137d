package io.atrium.server.sfu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * <b>What it measures:</b> {@link ForwardPathBenchmark}'s operation (one 1200-byte VP8 packet through the SFU's forward
 * path to every subscriber, each with its own SRTP key) with the caches emptied before each packet, as a server finds
 * them at 1x50's rate: one ingress packet every 9 ms, other work between (docs/PERFORMANCE.md, "the per-subscriber chain
 * of loads"). JMH's loop forwards packet after packet, so every subscriber's state stays in the caches there and a
 * change to how far apart that state lies cannot show.
 *
 * <p>Before each packet it reads the given number of KiB of another array, one load per cache line (not timed); then it
 * times the forward alone with {@link System#nanoTime} and reports the median and the 10th and 90th percentiles of
 * each round (a median of one packet's time is not moved by the rare preemption that moves a mean), per packet and per
 * forwarded packet. It fails unless every packet reached every subscriber. Run with {@code java
 * --add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.atrium.server.sfu.ColdForwardRun [--plain] [subscribers [evictKiB ...]]} (defaults: 50, and 0, 2048 and 65536
 * KiB: warm, the core's caches emptied, and every cache level); {@code --plain} leaves the subscribers' SRTP protect
 * out, so that its share can be told from the forwarder's.
 */
public final class ColdForwardRun {
    private static final int WARM_UP = 20_000;
    private static final int ROUNDS = 5;
    private static final int PACKETS = 2_000;
    private static final int LINE = 64;

    private ColdForwardRun() {
    }

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean plain = rest.remove("--plain");
        int subscribers = rest.isEmpty() ? 50 : Integer.parseInt(rest.get(0));
        int[] evictKib = rest.size() > 1
                ? rest.subList(1, rest.size()).stream().mapToInt(Integer::parseInt).toArray()
                : new int[] {0, 2048, 65536};
        if (subscribers < 1 || Arrays.stream(evictKib).anyMatch(k -> k < 0 || k > 1 << 20)) {
            throw new IllegalArgumentException("subscribers >= 1, 0 <= evictKiB <= 1048576");
        }
        ForwardPathBenchmark forward = new ForwardPathBenchmark();
        forward.subscribers = subscribers;
        forward.profile = "SRTP_AEAD_AES_128_GCM";
        forward.plain = plain;
        forward.setUp();
        long sink = 0;
        for (int i = 0; i < WARM_UP; i++) {
            sink += forward.forward();
        }
        for (int kib : evictKib) {
            long[] other = new long[kib * (1024 / Long.BYTES)];
            long[] nanos = new long[PACKETS];
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < PACKETS; i++) {
                    for (int j = 0; j < other.length; j += LINE / Long.BYTES) {
                        sink += other[j];
                    }
                    long start = System.nanoTime();
                    sink += forward.forward();
                    nanos[i] = System.nanoTime() - start;
                }
                Arrays.sort(nanos);
                long median = nanos[PACKETS / 2];
                System.out.printf("%sevict %,9d KiB  round %d  ns per packet: median %,8d (p10 %,8d, p90 %,8d)  per forwarded %,6d%n",
                        plain ? "plain " : "", kib, round + 1, median, nanos[PACKETS / 10], nanos[PACKETS * 9 / 10],
                        median / subscribers);
            }
        }
        long expected = (long) subscribers * (WARM_UP + (long) evictKib.length * ROUNDS * PACKETS);
        if (forward.protectedPackets() != expected) { // it measured a path that drops or fails packets: no figure
            throw new IllegalStateException(forward.protectedPackets() + " packets forwarded, " + expected + " expected");
        }
        System.out.println("every packet reached every subscriber (checksum " + sink + ")");
    }
}
