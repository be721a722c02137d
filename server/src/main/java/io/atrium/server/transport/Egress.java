package io.atrium.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;

/**
 * The datagrams queued on the media thread since the last flush, copied into one array, and their
 * regrouping at flush time into <em>runs</em>: consecutive datagrams to one destination, in the order
 * they were queued, all of one size except a shorter last one, so that each run can leave as one UDP
 * GSO send ({@code UDP_SEGMENT}: the kernel cuts it into the original datagrams). One ingress batch's
 * fan-out queues a subscriber one packet per forwarded stream (audio from many speakers, a video
 * frame's packets), which is exactly such a run. Order between destinations is not kept; order to
 * one destination is. The datagrams are held in native memory, so that {@link Sendmmsg} hands the kernel their
 * addresses without copying them again. Media thread only; allocates nothing after construction.
 */
final class Egress {

    /** What one run is handed to. */
    interface RunSink {
        /**
         * {@code count} datagrams to {@code to} of {@code segment} bytes each, the last possibly shorter,
         * {@code bytes} in all; the first is datagram {@code first}, the next ones follow {@link #next}.
         */
        void run(int first, int count, int segment, int bytes, InetSocketAddress to);
    }

    /** Most segments in one GSO send (the kernel's {@code UDP_MAX_SEGMENTS} is 64 before Linux 6.x's 128). */
    static final int MAX_SEGMENTS = 64;
    /** Most bytes in one GSO send (an IPv4/IPv6 UDP datagram's payload is below 65,507 B). */
    static final int MAX_RUN_BYTES = 60_000;
    /**
     * Largest datagram sent segmented: the kernel refuses a GSO send whose segment does not fit the
     * path MTU, so larger datagrams (rare: WebRTC packets are about 1,200 B) go alone. 1,400 B plus
     * IPv6 and UDP headers fits a 1,448 B MTU.
     */
    static final int MAX_SEGMENT = 1400;

    private final ByteBuf data;
    private final int[] offset;
    private final int[] length;
    private final int[] next;
    private final int[] tail;
    /** For a destination's first datagram its slot in {@link #table}, else -1. */
    private final int[] slotOf;
    private final InetSocketAddress[] to;
    /** Open addressing by destination: slot -> index of the destination's first datagram, or -1. */
    private final int[] table;
    private final int mask;
    private final boolean segment;
    private int count;
    private int used;

    /**
     * Room for {@code maxDatagrams} datagrams and {@code maxBytes} bytes; {@code segment} false makes
     * every run one datagram (no GSO on this socket).
     */
    Egress(int maxDatagrams, int maxBytes, boolean segment) {
        data = Unpooled.directBuffer(maxBytes, maxBytes);
        offset = new int[maxDatagrams];
        length = new int[maxDatagrams];
        next = new int[maxDatagrams];
        tail = new int[maxDatagrams];
        slotOf = new int[maxDatagrams];
        to = new InetSocketAddress[maxDatagrams];
        table = new int[Integer.highestOneBit(maxDatagrams * 2 - 1) << 1];
        mask = table.length - 1;
        java.util.Arrays.fill(table, -1);
        this.segment = segment;
    }

    /** True when a datagram of {@code len} bytes fits; when not, drain first. */
    boolean fits(int len) {
        return count < offset.length && used + len <= data.capacity();
    }

    /** True when runs may hold several datagrams (GSO on this socket). */
    boolean segments() {
        return segment;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Queues a copy of the datagram; {@link #fits} must have said yes. */
    void add(byte[] buf, int off, int len, InetSocketAddress dest) {
        int i = count++;
        data.setBytes(used, buf, off, len);
        offset[i] = used;
        length[i] = len;
        to[i] = dest;
        next[i] = -1;
        slotOf[i] = -1;
        used += len;
        int slot = dest.hashCode() & mask;
        while (true) {
            int head = table[slot];
            if (head < 0) {
                table[slot] = i;
                tail[i] = i;
                slotOf[i] = slot;
                return;
            }
            if (to[head].equals(dest)) {
                next[tail[head]] = i;
                tail[head] = i;
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Hands every queued datagram, grouped into runs, to {@code sink} (destinations in the order of
     * their first datagram) and empties the queue.
     */
    void drain(RunSink sink) {
        try {
            for (int k = 0; k < count; k++) {
                if (slotOf[k] >= 0) {
                    drainFrom(k, sink);
                }
            }
        } finally {
            for (int k = 0; k < count; k++) {
                if (slotOf[k] >= 0) {
                    table[slotOf[k]] = -1;
                }
                to[k] = null;
            }
            count = 0;
            used = 0;
        }
    }

    /** The runs of the destination whose first datagram is {@code head}. */
    private void drainFrom(int head, RunSink sink) {
        int i = head;
        while (i >= 0) {
            int first = i;
            int size = length[i];
            int n = 1;
            int bytes = size;
            i = next[i];
            if (segment && size <= MAX_SEGMENT) {
                while (i >= 0 && n < MAX_SEGMENTS && length[i] <= size && bytes + length[i] <= MAX_RUN_BYTES) {
                    int len = length[i];
                    n++;
                    bytes += len;
                    i = next[i];
                    if (len < size) {
                        break; // a shorter datagram can only end a run
                    }
                }
            }
            sink.run(first, n, size, bytes, to[first]);
        }
    }

    /** The queued datagrams' bytes, at {@link #offset}; valid until the next {@link #add}. */
    ByteBuf data() {
        return data;
    }

    /** Frees the native memory; nothing may be added after. */
    void release() {
        data.release();
    }

    /** True once {@link #release} has freed the native memory (its reference count, not a flag of ours). */
    boolean released() {
        return data.refCnt() == 0;
    }

    int offset(int i) {
        return offset[i];
    }

    int length(int i) {
        return length[i];
    }

    int next(int i) {
        return next[i];
    }
}
