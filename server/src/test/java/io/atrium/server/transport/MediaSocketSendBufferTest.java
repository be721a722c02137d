package io.atrium.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.NetNamespace;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The media socket's send buffer full for real: a veth pair into a network namespace made for the test, whose host end
 * queues what the media socket sends in a slow {@code tbf} qdisc, so the datagrams wait charged to the socket until its
 * send buffer is full (on loopback it never fills: the kernel hands a datagram on at once). A flush that meets the full
 * buffer returns at once with what the kernel did not take dropped and counted ({@link MediaSocket#egressDropped}, the
 * source of {@code atrium_dropped_datagrams_total{reason="send_failed"}}), nothing is kept or allocated for it, and once
 * the queue has drained the next flushes are delivered whole. Runs alone: the veth's host end is an interface of the
 * machine while it lives ({@link NetNamespace}).
 */
@Isolated
class MediaSocketSendBufferTest {

    private static final MediaSocket.TcpRules RULES = new MediaSocket.TcpRules(64, 20_000);
    /** The shaped rate: the socket's buffer (8 MiB at most: 4 MiB asked, doubled by the kernel) takes 17 s to drain. */
    private static final int RATE_KBPS = 4_000;
    /** The qdisc's queue, in time at {@link #RATE_KBPS}: 30 MB, far more than the send buffer, so the qdisc drops nothing. */
    private static final int QUEUE_MILLIS = 60_000;
    private static final int SIZE = 1200;
    private static final int PER_FLUSH = MediaSocket.EGRESS_DATAGRAMS;
    /** Flushes tried to fill the send buffer: 78 MB, nine times the largest buffer. */
    private static final int MAX_FLUSHES = 64;
    private static final int WARM_UP = 1_000_000;

    /** A flush of {@code queued} datagrams: how many the kernel took and how many were dropped, and how long it took. */
    private record Flush(int queued, long sent, long dropped, long nanos) {
    }

    /**
     * The receiver in the namespace: a socket for the filling datagrams, never read (its queue overflows and the kernel
     * drops the rest, unseen by the sender), and one for the later ones, each reported as "got length sequence last-byte".
     */
    private static final String RECEIVER = String.join("\n",
            "import socket, sys",
            "def bound():",
            "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)",
            "    s.bind((sys.argv[1], 0))",
            "    return s",
            "fill, later = bound(), bound()",
            "print('ports', fill.getsockname()[1], later.getsockname()[1], flush=True)",
            "while True:",
            "    d = later.recv(2048)",
            "    print('got', len(d), int.from_bytes(d[:4], 'big'), d[-1], flush=True)");

    @Test
    void aFlushIntoAFullSendBufferDropsAndCountsWhatTheKernelDidNotTakeAtOnceAndLaterFlushesAreDelivered() throws Exception {
        assertThat(Sendmmsg.AVAILABLE).as("epoll and Netty's sendmmsg (the path under test)").isTrue();
        Process receiver = null;
        MediaSocket socket = null;
        try (NetNamespace ns = NetNamespace.create()) {
            receiver = new ProcessBuilder("ip", "netns", "exec", ns.name(), "python3", "-u", "-c", RECEIVER,
                    ns.innerAddress().getHostAddress()).redirectErrorStream(true).start();
            Received received = new Received(receiver);
            String[] ports = received.line(30).split(" ");
            assertThat(ports[0]).as("the receiver's first line").isEqualTo("ports");
            InetSocketAddress toFill = new InetSocketAddress(ns.innerAddress(), Integer.parseInt(ports[1]));
            InetSocketAddress toLater = new InetSocketAddress(ns.innerAddress(), Integer.parseInt(ports[2]));
            MediaSocket media = MediaSocket.bind(ns.hostAddress().getHostAddress(), 0, (buf, len, from) -> { }, RULES);
            socket = media;

            onMediaThread(media, () -> { // the path works, and the neighbour is resolved before anything is queued
                media.send(datagram(WARM_UP), 0, SIZE, toLater);
                media.flush();
                return null;
            });
            received.await(Set.of(WARM_UP));

            ns.limitRate(RATE_KBPS, QUEUE_MILLIS);
            long directBefore = directMemory();
            byte[] fill = datagram(0);
            List<Flush> flushes = onMediaThread(media, () -> {
                List<Flush> done = new ArrayList<>();
                for (int f = 0; f < MAX_FLUSHES && done.stream().filter(d -> d.dropped() > 0).count() < 2; f++) {
                    long sent = media.egressDatagrams();
                    long dropped = media.egressDropped();
                    long start = System.nanoTime();
                    for (int i = 0; i < PER_FLUSH; i++) {
                        media.send(fill, 0, SIZE, toFill);
                    }
                    media.flush();
                    long nanos = System.nanoTime() - start;
                    done.add(new Flush(PER_FLUSH, media.egressDatagrams() - sent, media.egressDropped() - dropped, nanos));
                }
                return done;
            });
            long directGrowth = directMemory() - directBefore;

            assertThat(flushes).as("flushes of %d datagrams of %d B into the shaped link", PER_FLUSH, SIZE)
                    .anyMatch(f -> f.dropped() > 0)
                    .allMatch(f -> f.sent() + f.dropped() == f.queued(), "every datagram either taken or counted as dropped");
            Flush intoFull = flushes.get(flushes.size() - 1); // the one after the flush that filled the buffer
            long linkNanos = intoFull.dropped() * (SIZE + 28) * 8 * 1_000_000L / RATE_KBPS;
            assertThat(intoFull.dropped()).as("datagrams of a flush into a full buffer dropped: %s", flushes)
                    .isGreaterThanOrEqualTo(PER_FLUSH / 2);
            assertThat(intoFull.nanos()).as("ns the flush into a full buffer took (the link needs %d ms to carry what it dropped): %s",
                    linkNanos / 1_000_000, flushes).isLessThan(linkNanos / 4);
            assertThat(media.egressDropped()).as("dropped in all").isEqualTo(flushes.stream().mapToLong(Flush::dropped).sum());
            assertThat(directGrowth).as("direct memory taken while the buffer was full (nothing kept for later)")
                    .isLessThan(1 << 20);

            ns.limitRate(1_000_000, 1_000); // the queue drains at 1 Gbit/s
            waitFor("the shaped queue to drain", () -> ns.queuedPackets() == 0);
            long droppedBefore = media.egressDropped();
            long[] later = onMediaThread(media, () -> {
                long sent = media.egressDatagrams();
                for (int f = 0; f < 3; f++) {
                    for (int i = 0; i < 100; i++) {
                        media.send(datagram(f * 100 + i), 0, SIZE, toLater);
                    }
                    media.flush();
                }
                return new long[] {media.egressDatagrams() - sent, media.egressDropped() - droppedBefore};
            });
            assertThat(later).as("datagrams of the later flushes taken, dropped").containsExactly(300, 0);
            Set<Integer> expected = new java.util.HashSet<>();
            for (int i = 0; i < 300; i++) {
                expected.add(i);
            }
            received.await(expected);

            media.close();
            socket = null;
            waitFor("the media socket's native memory to be freed", media::nativeMemoryFreed);
        } finally {
            if (socket != null) {
                socket.close();
            }
            if (receiver != null) {
                receiver.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** 1200 bytes: {@code seq} big-endian, then its low byte. */
    private static byte[] datagram(int seq) {
        byte[] b = new byte[SIZE];
        java.util.Arrays.fill(b, (byte) seq);
        ByteBuffer.wrap(b).putInt(seq);
        return b;
    }

    private static <T> T onMediaThread(MediaSocket socket, java.util.concurrent.Callable<T> task) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        socket.execute(() -> {
            try {
                done.complete(task.call());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done.get(60, TimeUnit.SECONDS);
    }

    /** Direct memory in use: the JDK's buffers and Netty's own count and allocator, whichever this Netty uses. */
    private static long directMemory() {
        long jdk = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        long netty = Math.max(0, PlatformDependent.usedDirectMemory());
        long allocator = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider m ? m.metric().usedDirectMemory() : 0;
        return jdk + netty + allocator;
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s for " + what).isLessThan(end);
            Thread.sleep(10);
        }
    }

    /** The receiver's output, read on a thread of its own: the later datagrams by sequence number. */
    private static final class Received {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Set<Integer> seqs = ConcurrentHashMap.newKeySet();
        private final List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());

        Received(Process process) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        String[] f = line.split(" ");
                        if (f.length == 4 && f[0].equals("got")) {
                            int seq = Integer.parseInt(f[2]);
                            if (Integer.parseInt(f[1]) == SIZE && Integer.parseInt(f[3]) == (seq & 0xff)) {
                                seqs.add(seq);
                            } else {
                                wrong.add(line);
                            }
                        } else {
                            lines.add(line);
                        }
                    }
                } catch (java.io.IOException | RuntimeException ended) {
                    lines.add("receiver's output ended: " + ended);
                }
            }, "send-buffer-receiver");
            reader.setDaemon(true);
            reader.start();
        }

        String line(int seconds) throws InterruptedException {
            String line = lines.poll(seconds, TimeUnit.SECONDS);
            assertThat(line).as("a line from the receiver within %d s", seconds).isNotNull();
            return line;
        }

        void await(Set<Integer> expected) throws InterruptedException {
            waitFor("datagrams " + expected.size() + " at the receiver (other output: " + lines + ")", () -> seqs.containsAll(expected));
            assertThat(wrong).as("datagrams received with a wrong length or content").isEmpty();
        }
    }
}
