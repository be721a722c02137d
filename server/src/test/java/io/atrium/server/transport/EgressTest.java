package io.atrium.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How queued datagrams are regrouped into GSO runs: per destination, in order, one size but a shorter last. */
class EgressTest {

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 5001);

    /** A run as "destination port: size×count[/bytes] [first bytes of each datagram]". */
    private static List<String> drain(Egress egress) {
        List<String> runs = new ArrayList<>();
        egress.drain((first, count, segment, bytes, to) -> {
            StringBuilder s = new StringBuilder(to.getPort() + ": " + segment + "x" + count + "/" + bytes + " [");
            for (int i = first, n = 0; n < count; n++, i = egress.next(i)) {
                s.append(n == 0 ? "" : " ").append(egress.data().getByte(egress.offset(i)));
                assertThat(egress.length(i)).isLessThanOrEqualTo(segment);
            }
            runs.add(s.append(']').toString());
        });
        return runs;
    }

    private static void add(Egress egress, int tag, int len, InetSocketAddress to) {
        byte[] b = new byte[len + 3];
        b[3] = (byte) tag;
        egress.add(b, 3, len, to);
    }

    @Test
    void datagramsToOneDestinationOfOneSizeFormOneRunInTheirOrder() {
        Egress egress = new Egress(64, 64 * 1500, true);
        add(egress, 1, 1000, A);
        add(egress, 2, 200, B);
        add(egress, 3, 1000, A);
        add(egress, 4, 200, B);
        add(egress, 5, 300, A); // shorter: ends A's run
        add(egress, 6, 1000, A); // so this one starts the next
        add(egress, 7, 250, B); // longer than B's run: a new run
        assertThat(drain(egress)).containsExactly(
                "5000: 1000x3/2300 [1 3 5]", "5000: 1000x1/1000 [6]",
                "5001: 200x2/400 [2 4]", "5001: 250x1/250 [7]");
        assertThat(egress.isEmpty()).isTrue();
        add(egress, 8, 100, B);
        assertThat(drain(egress)).as("drained state is reused").containsExactly("5001: 100x1/100 [8]");
    }

    @Test
    void runsStopAtTheSegmentCountAndSizeLimitsAndWithoutGsoEveryDatagramGoesAlone() {
        Egress egress = new Egress(256, 256 * 1500, true);
        for (int i = 0; i < Egress.MAX_SEGMENTS + 1; i++) {
            add(egress, i, 100, A);
        }
        add(egress, 1, Egress.MAX_SEGMENT + 1, B);
        add(egress, 2, Egress.MAX_SEGMENT + 1, B);
        List<String> runs = drain(egress);
        assertThat(runs).hasSize(4);
        assertThat(runs.get(0)).startsWith("5000: 100x" + Egress.MAX_SEGMENTS + "/");
        assertThat(runs.get(1)).isEqualTo("5000: 100x1/100 [" + Egress.MAX_SEGMENTS + "]");
        assertThat(runs.subList(2, 4)).as("too large to segment").allMatch(r -> r.contains("x1/"));

        for (int i = 0; i < 60; i++) {
            add(egress, i, 1400, A);
        }
        assertThat(drain(egress)).as("at most MAX_RUN_BYTES per run")
                .allMatch(r -> Integer.parseInt(r.replaceAll(".*/(\\d+) .*", "$1")) <= Egress.MAX_RUN_BYTES)
                .hasSize(2);

        Egress single = new Egress(16, 16 * 1500, false);
        add(single, 1, 100, A);
        add(single, 2, 100, A);
        assertThat(drain(single)).containsExactly("5000: 100x1/100 [1]", "5000: 100x1/100 [2]");
    }

    @Test
    void fitsSaysWhenTheQueueIsFull() {
        Egress egress = new Egress(2, 1500, true);
        assertThat(egress.fits(1500)).isTrue();
        assertThat(egress.fits(1501)).isFalse();
        add(egress, 1, 1000, A);
        assertThat(egress.fits(501)).as("bytes").isFalse();
        add(egress, 2, 10, A);
        assertThat(egress.fits(1)).as("datagrams").isFalse();
    }

    @Test
    void queueingAndDrainingAllocateNothingOnceWarm() {
        Egress egress = new Egress(1024, 1024 * 1500, true);
        InetSocketAddress[] subscribers = new InetSocketAddress[50];
        for (int i = 0; i < subscribers.length; i++) {
            subscribers[i] = new InetSocketAddress("127.0.0.1", 6000 + i);
        }
        byte[] packet = new byte[1200];
        long[] datagrams = {0};
        Egress.RunSink sink = (first, count, segment, bytes, to) -> datagrams[0] += count;
        Runnable batch = () -> {
            for (int p = 0; p < 16; p++) { // one read batch fanned out to 50 subscribers
                for (InetSocketAddress s : subscribers) {
                    egress.add(packet, 0, p % 4 == 3 ? 300 : 1200, s);
                }
            }
            egress.drain(sink);
        };
        for (int i = 0; i < 2_000; i++) {
            batch.run();
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000; i++) {
            batch.run();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(datagrams[0]).isEqualTo(3_000L * 16 * 50);
        assertThat(allocated).as("bytes allocated queueing and draining 800,000 datagrams").isLessThan(1024);
    }
}
