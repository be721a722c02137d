package io.atrium.server.sfu;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.transport.MediaTransport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * <b>What it measures:</b> how the forward path scales over media shards (docs/PERFORMANCE.md, "Multi-core
 * media"). For N = 1 and N = 2 it opens {@link Shards} of N real transports (one event-loop thread and port
 * each) and gives every shard its own room: one {@link ForwardPathBenchmark} pipeline (a 1200-byte VP8
 * packet from a publisher to {@code subscribers} subscribers: routing, cache, rewrite, SRTP protect per
 * subscriber; the socket write left out, as there). Each shard's own thread forwards its room for the
 * window, all shards at once, nothing shared; the figure is forwarded packets per second of wall time over
 * all shards (packets × subscribers). One warm-up window, then {@code rounds} windows; best and median.
 * Run with {@code java -cp bench/target/benchmarks.jar io.atrium.server.sfu.ShardScalingRun [window_ms] [rounds] [subscribers]}.
 */
public final class ShardScalingRun {

    private ShardScalingRun() {
    }

    public static void main(String[] args) throws Exception {
        long windowMillis = args.length > 0 ? Long.parseLong(args[0]) : 3000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int subscribers = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        System.out.printf(Locale.ROOT, "cores %d, window %d ms, %d rounds, %d subscribers per room, SRTP_AES128_CM_HMAC_SHA1_80%n",
                Runtime.getRuntime().availableProcessors(), windowMillis, rounds, subscribers);
        double[] medians = new double[3];
        for (int n = 1; n <= 2; n++) {
            double[] rates = rates(n, windowMillis, rounds, subscribers);
            medians[n] = rates[rates.length / 2];
            System.out.printf(Locale.ROOT, "shards %d: forwarded packets/s best %.0f, median %.0f, rounds %s%n", n,
                    rates[rates.length - 1], medians[n], Arrays.toString(Arrays.stream(rates).mapToLong(Math::round).toArray()));
        }
        System.out.printf(Locale.ROOT, "scaling 2 shards / 1 shard (medians): %.2f%n", medians[2] / medians[1]);
    }

    /** Sorted rates of {@code rounds} windows with {@code n} shards. */
    static double[] rates(int n, long windowMillis, int rounds, int subscribers) throws Exception {
        List<MediaTransport> transports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            transports.add(new MediaTransport("127.0.0.1", new AtriumConfig.Rtc(0, null, null, null)));
        }
        try (Shards shards = Shards.of(transports)) {
            List<ForwardPathBenchmark> rooms = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ForwardPathBenchmark room = new ForwardPathBenchmark();
                room.subscribers = subscribers;
                room.profile = "SRTP_AES128_CM_HMAC_SHA1_80";
                room.recorded = false;
                room.setUp();
                rooms.add(room);
            }
            double[] rates = new double[rounds];
            for (int round = -1; round < rounds; round++) {
                long start = System.nanoTime();
                long end = start + TimeUnit.MILLISECONDS.toNanos(windowMillis);
                List<CompletableFuture<Long>> done = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ForwardPathBenchmark room = rooms.get(i);
                    CompletableFuture<Long> packets = new CompletableFuture<>();
                    shards.shards().get(i).transport().socket().execute(() -> { // the shard's own thread
                        long count = 0;
                        while (System.nanoTime() < end) {
                            for (int k = 0; k < 64; k++) {
                                room.forward();
                            }
                            count += 64;
                        }
                        packets.complete(count);
                    });
                    done.add(packets);
                }
                long total = 0;
                for (CompletableFuture<Long> f : done) {
                    total += f.get(windowMillis + 60_000, TimeUnit.MILLISECONDS);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (round >= 0) {
                    rates[round] = total * subscribers / seconds;
                }
            }
            Arrays.sort(rates);
            return rates;
        }
    }
}
