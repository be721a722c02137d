package io.atrium.server.transport;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * <b>What it measures:</b> the media thread's CPU time and garbage per UDP datagram that {@link MediaSocket} sends on
 * loopback, {@link Sendmmsg} straight from {@link Egress}'s memory against Netty's channel (a pooled buffer, a
 * {@code DatagramPacket} and an outbound entry per message), in one JVM with rounds of the two alternating, so that the
 * machine's drift between runs (large on this shared guest) falls on both alike. One flush holds {@code burst} datagrams
 * to each of 50 receiving sockets (1x50's fan-out). A second thread drains the receivers. Each case: warm-up, then 9
 * rounds of 300 flushes per way; the median round is printed.
 * Run with {@code java -cp bench/target/benchmarks.jar io.atrium.server.transport.SendPathCpuRun}.
 */
public final class SendPathCpuRun {
    private static final int DESTINATIONS = 50;
    private static final int ROUNDS = 9;
    private static final int FLUSHES = 300;

    private SendPathCpuRun() {
    }

    public static void main(String[] args) throws Exception {
        List<DatagramChannel> receivers = new ArrayList<>();
        List<InetSocketAddress> to = new ArrayList<>();
        for (int i = 0; i < DESTINATIONS; i++) {
            DatagramChannel c = DatagramChannel.open();
            c.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            c.configureBlocking(false);
            receivers.add(c);
            to.add((InetSocketAddress) c.getLocalAddress());
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Thread drain = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(65_536);
            while (running.get()) {
                for (DatagramChannel c : receivers) {
                    try {
                        while (c.receive(b.clear()) != null) {
                            Thread.onSpinWait();
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                Thread.onSpinWait();
            }
        }, "drain");
        drain.setDaemon(true);
        drain.start();
        MediaSocket.TcpRules rules = new MediaSocket.TcpRules(64, 20_000);
        System.out.println("size B | burst per destination | datagrams per flush | sendmmsg without envelope: ns / B per datagram"
                + " | through the channel: ns / B per datagram | channel ÷ without (CPU)");
        try (MediaSocket direct = MediaSocket.bind("127.0.0.1", 0, (buf, len, from) -> { }, rules, true);
             MediaSocket channel = MediaSocket.bind("127.0.0.1", 0, (buf, len, from) -> { }, rules, false)) {
            for (int size : new int[] {1200, 160}) {
                for (int burst : new int[] {1, 2, 4}) {
                    double[][] rounds = new double[2][ROUNDS * 2];
                    for (int round = -2; round < ROUNDS; round++) {
                        double[] d = round(direct, to, size, burst);
                        double[] c = round(channel, to, size, burst);
                        if (round >= 0) {
                            rounds[0][round] = d[0];
                            rounds[0][ROUNDS + round] = d[1];
                            rounds[1][round] = c[0];
                            rounds[1][ROUNDS + round] = c[1];
                        }
                    }
                    double dCpu = median(rounds[0], 0);
                    double cCpu = median(rounds[1], 0);
                    System.out.printf(Locale.ROOT, "%d | %d | %d | %.0f / %.1f | %.0f / %.1f | %.2f%n", size, burst, burst * DESTINATIONS,
                            dCpu, median(rounds[0], ROUNDS), cCpu, median(rounds[1], ROUNDS), cCpu / dCpu);
                }
            }
        } finally {
            running.set(false);
            drain.join();
            for (DatagramChannel c : receivers) {
                c.close();
            }
        }
    }

    private static double median(double[] values, int from) {
        double[] v = Arrays.copyOfRange(values, from, from + ROUNDS);
        Arrays.sort(v);
        return v[ROUNDS / 2];
    }

    /** One round's CPU ns and allocated bytes per datagram on {@code socket}'s media thread. */
    private static double[] round(MediaSocket socket, List<InetSocketAddress> to, int size, int burst) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] packet = new byte[size];
        CompletableFuture<double[]> result = new CompletableFuture<>();
        socket.execute(() -> {
            long cpu = threads.getCurrentThreadCpuTime();
            long bytes = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < FLUSHES; i++) {
                for (int b = 0; b < burst; b++) {
                    for (InetSocketAddress d : to) {
                        socket.send(packet, 0, size, d);
                    }
                }
                socket.flush();
            }
            double datagrams = (double) FLUSHES * burst * to.size();
            result.complete(new double[] {(threads.getCurrentThreadCpuTime() - cpu) / datagrams,
                    (threads.getCurrentThreadAllocatedBytes() - bytes) / datagrams});
        });
        double[] r = result.get(5, TimeUnit.MINUTES);
        Thread.sleep(20); // let the drain thread catch up between rounds
        return r;
    }
}
