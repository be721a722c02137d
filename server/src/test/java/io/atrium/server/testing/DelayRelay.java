package io.atrium.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A userspace UDP relay between one client and a server that adds delay to what the server sends (this
 * kernel has no netem). The client is told to reach the server at {@link #address()}; the relay forwards
 * each of its datagrams at once from its own socket, and each answer after the current extra delay, in
 * order (a datagram never overtakes an earlier one, as in a queue: when the delay falls, the queue drains).
 * {@link #delay} ramps the delay linearly to a new value, as a filling queue would. At most
 * {@value #QUEUE} datagrams wait; more are dropped. {@link #dropClientRtcp} drops the client's RTCP (its feedback
 * path lost, everything else still relayed), {@link #blackhole} everything both ways (the path gone silent); {@link #fromClient} counts what the client sent, so that a test can tell
 * whether the client's RTCP reached the server.
 */
public final class DelayRelay implements AutoCloseable {

    static final int QUEUE = 20_000;

    private record Datagram(byte[] data, long dueNanos) {
    }

    private final DatagramChannel front;
    private final DatagramChannel back;
    private final Queue<Datagram> queue = new ArrayDeque<>();
    private final Thread[] threads;
    private volatile SocketAddress client;
    private volatile boolean closed;
    // the delay ramps from rampFrom to rampTo over [rampStart, rampStart + rampNanos)
    private volatile long rampStart = System.nanoTime();
    private volatile long rampNanos;
    private volatile long rampFrom;
    private volatile long rampTo;
    private long lastDue;
    private volatile boolean dropClientRtcp;
    private volatile boolean blackhole;
    // written by the up thread only
    private volatile long clientDatagrams;
    private volatile long clientRtcp;
    private volatile long clientRtcpDropped;
    private volatile long clientFeedback;
    private volatile long clientNotRelayed;

    /** Listens on {@code listen} (port 0: any) for the client and relays to {@code server}. */
    public DelayRelay(InetSocketAddress listen, InetSocketAddress server) {
        try {
            front = DatagramChannel.open().bind(listen);
            back = DatagramChannel.open().connect(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the relay's sockets: " + e, e);
        }
        threads = new Thread[] {thread("up", this::up), thread("down", this::down)};
    }

    /** Where the client should send: the relay's own address and port. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) front.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Changes the extra delay of the server's datagrams to {@code millis}, linearly over {@code rampMillis}. */
    public void delay(long millis, long rampMillis) {
        long now = System.nanoTime();
        rampFrom = delayAt(now);
        rampTo = TimeUnit.MILLISECONDS.toNanos(millis);
        rampNanos = TimeUnit.MILLISECONDS.toNanos(rampMillis);
        rampStart = now;
    }

    private long delayAt(long now) {
        long elapsed = now - rampStart;
        if (elapsed >= rampNanos) {
            return rampTo;
        }
        return rampFrom + (rampTo - rampFrom) * elapsed / rampNanos;
    }

    /** Drops ({@code true}) or relays again everything, both ways. */
    public void blackhole(boolean drop) {
        blackhole = drop;
    }

    /** Drops ({@code true}) or relays again the client's RTCP (SRTCP: RFC 5761 packet types 192-223). */
    public void dropClientRtcp(boolean drop) {
        dropClientRtcp = drop;
    }

    /**
     * What the client sent so far: datagrams, of them RTCP and transport-cc feedback, the RTCP dropped by
     * {@link #dropClientRtcp}, and datagrams the non-blocking server-side socket did not take.
     */
    public String fromClient() {
        return clientDatagrams + " datagrams, " + clientRtcp + " RTCP (" + clientFeedback + " of them transport-cc feedback), "
                + clientRtcpDropped + " RTCP dropped, " + clientNotRelayed + " not relayed (the server-side socket's buffer full)";
    }

    /** Transport-cc feedback the client sent so far (dropped or not): SRTCP whose first packet is RTPFB FMT 15. */
    public long clientFeedback() {
        return clientFeedback;
    }

    /** RTCP the client sent so far (dropped or not). */
    public long clientRtcp() {
        return clientRtcp;
    }

    private void up() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (!closed) {
            buf.clear();
            client = front.receive(buf);
            buf.flip();
            clientDatagrams++;
            if (blackhole) {
                continue;
            }
            boolean rtcp = buf.remaining() >= 2 && (buf.get(0) & 0xC0) == 0x80 && (buf.get(1) & 0x7F) >= 64
                    && (buf.get(1) & 0x7F) <= 95;
            if (rtcp) {
                clientRtcp++;
                // SRTCP leaves the first packet's header in the clear: RTPFB (205), FMT 15 is transport-cc feedback
                clientFeedback += (buf.get(0) & 0x1F) == 15 && (buf.get(1) & 0xFF) == 205 ? 1 : 0;
                if (dropClientRtcp) {
                    clientRtcpDropped++;
                    continue;
                }
            }
            if (back.write(buf) == 0) {
                clientNotRelayed++;
            }
        }
    }

    /**
     * One thread receives the server's datagrams and releases them when due (no hand-off between threads, so
     * an undelayed datagram goes straight on and a loaded machine adds as little jitter as it can).
     */
    private void down() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try (Selector selector = Selector.open()) {
            back.configureBlocking(false);
            back.register(selector, SelectionKey.OP_READ);
            while (!closed) {
                Datagram head = queue.peek();
                long wait = head == null ? 0 : head.dueNanos - System.nanoTime();
                if (head == null) {
                    selector.select();
                } else if (wait > 0) {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                }
                selector.selectedKeys().clear();
                buf.clear();
                while (back.receive(buf) != null) {
                    long now = System.nanoTime();
                    long due = Math.max(lastDue, now + delayAt(now));
                    buf.flip();
                    if (queue.isEmpty() && due <= now) {
                        forward(buf);
                    } else {
                        byte[] data = new byte[buf.remaining()];
                        buf.get(data);
                        if (queue.size() < QUEUE && queue.add(new Datagram(data, due))) {
                            lastDue = due;
                        }
                    }
                    buf.clear();
                }
                long now = System.nanoTime();
                while ((head = queue.peek()) != null && head.dueNanos <= now) {
                    forward(ByteBuffer.wrap(queue.poll().data));
                }
            }
        }
    }

    private void forward(ByteBuffer datagram) throws IOException {
        SocketAddress to = client;
        if (to != null && !blackhole) {
            front.send(datagram, to);
        }
    }

    private interface Loop {
        void run() throws Exception;
    }

    private Thread thread(String name, Loop loop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (ClosedChannelException e) {
                // closed
            } catch (Exception e) {
                if (!closed) {
                    throw new IllegalStateException("relay " + name + " failed", e);
                }
            }
        }, "delay-relay-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            t.interrupt();
        }
        try {
            front.close();
            back.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
