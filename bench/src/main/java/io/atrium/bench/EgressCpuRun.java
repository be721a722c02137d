package io.atrium.bench;

import io.atrium.server.transport.MediaSocket;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * <b>What it measures:</b> the media thread's CPU time per UDP datagram that {@link MediaSocket} sends on
 * loopback (kernel delivery to the receiving socket included: on loopback it runs in the sender's
 * syscall), when one flush holds {@code burst} datagrams to each of 20 destinations, (a) all of one size,
 * so each destination's burst leaves as one UDP GSO message, and (b) alternating sizes (1 byte apart), so
 * no run forms and every datagram is its own {@code sendmmsg} entry, as before GSO. A second thread
 * drains the 20 receiving sockets (what their queues drop is not re-sent; the sender's cost is the same). Each case: 300 warm-up flushes, then 7 rounds of 300 flushes, thread
 * CPU time of the media thread; the fastest and the median round are printed.
 * Run with {@code java -cp bench/target/benchmarks.jar io.atrium.bench.EgressCpuRun}.
 */
public final class EgressCpuRun {
    private static final int DESTINATIONS = 20;
    private static final int ROUNDS = 7;
    private static final int FLUSHES = 300;

    private EgressCpuRun() {
    }

    public static void main(String[] args) throws Exception {
        List<DatagramChannel> receivers = new ArrayList<>();
        List<InetSocketAddress> to = new ArrayList<>();
        for (int i = 0; i < DESTINATIONS; i++) {
            DatagramChannel c = DatagramChannel.open();
            c.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            c.configureBlocking(false);
            receivers.add(c);
            to.add((InetSocketAddress) c.getLocalAddress());
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong received = new AtomicLong();
        Thread drain = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(2048);
            while (running.get()) {
                boolean any = false;
                for (DatagramChannel c : receivers) {
                    try {
                        while (c.receive(b.clear()) != null) {
                            received.incrementAndGet();
                            any = true;
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                if (!any) {
                    Thread.onSpinWait();
                }
            }
        }, "drain");
        drain.setDaemon(true);
        drain.start();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.println("size B | burst per destination | datagrams per flush | same sizes (GSO runs) ns/datagram fastest / median | alternating sizes (no runs) ns/datagram fastest / median | ratio (medians)");
        try (MediaSocket socket = MediaSocket.bind("127.0.0.1", 0, (buf, len, from) -> { }, new MediaSocket.TcpRules(64, 20_000))) {
            for (int size : new int[] {1200, 120}) {
                for (int burst : size == 1200 ? new int[] {1, 2, 4, 8} : new int[] {1, 4}) {
                    double[] same = measure(socket, threads, to, size, burst, false, received);
                    double[] alternating = measure(socket, threads, to, size, burst, true, received);
                    System.out.printf(Locale.ROOT, "%d | %d | %d | %.0f / %.0f | %.0f / %.0f | %.2f%n", size, burst,
                            burst * DESTINATIONS, same[0], same[1], alternating[0], alternating[1], alternating[1] / same[1]);
                }
            }
        } finally {
            running.set(false);
            drain.join();
        }
        System.out.println("received " + received.get() + " datagrams");
    }

    /** Fastest and median CPU ns per datagram over the rounds. */
    private static double[] measure(MediaSocket socket, com.sun.management.ThreadMXBean threads, List<InetSocketAddress> to,
                                    int size, int burst, boolean alternate, AtomicLong received) throws Exception {
        byte[] packet = new byte[size + 1];
        Runnable flush = () -> {
            for (int b = 0; b < burst; b++) {
                int len = alternate && b % 2 == 1 ? size + 1 : size;
                for (InetSocketAddress d : to) {
                    socket.send(packet, 0, len, d);
                }
            }
            socket.flush();
        };
        double[] perDatagram = new double[ROUNDS];
        for (int round = -1; round < ROUNDS; round++) {
            CompletableFuture<Long> cpu = new CompletableFuture<>();
            socket.execute(() -> {
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < FLUSHES; i++) {
                    flush.run();
                }
                cpu.complete(threads.getCurrentThreadCpuTime() - start);
            });
            long nanos = cpu.get(5, TimeUnit.MINUTES);
            if (round >= 0) {
                perDatagram[round] = nanos / (double) (FLUSHES * burst * to.size());
            }
            for (long seen = -1; seen != received.get(); ) { // the receivers drain (datagrams the queues dropped never come)
                seen = received.get();
                Thread.sleep(50);
            }
        }
        java.util.Arrays.sort(perDatagram);
        return new double[] {perDatagram[0], perDatagram[ROUNDS / 2]};
    }
}
