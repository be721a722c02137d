package io.atrium.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on 127.0.0.1 in front of a server whose new connections can be held at the gate: while
 * {@link #hold() held}, a connection is accepted but reaches the server only at {@link #release()}; the
 * connections already through keep flowing. A test thus decides what the server sees before a client's next
 * connection (e.g. another client taking the last place first), or {@link #cut()} the connections through as a
 * failing network would. The server sees every connection from 127.0.0.1.
 */
public final class TcpGate implements AutoCloseable {

    /** How long a held connection waits at most for {@link #release()}. */
    static final Duration MAX_HOLD = Duration.ofMinutes(2);

    private final ServerSocket front;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private boolean held;
    private int waiting;
    private volatile boolean closed;

    /** A gate to {@code targetPort} on 127.0.0.1, open. */
    public TcpGate(int targetPort) {
        this.target = targetPort;
        try {
            front = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread accept = new Thread(this::acceptLoop, "tcp-gate-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** The gate's own port: what the client is given instead of the server's. */
    public int port() {
        return front.getLocalPort();
    }

    /** New connections wait at the gate from now on. */
    public synchronized void hold() {
        held = true;
    }

    /** The connections waiting go through, and new ones pass at once. */
    public synchronized void release() {
        held = false;
        notifyAll();
    }

    /** Waits until {@code n} connections wait at the gate. */
    public synchronized void awaitWaiting(int n, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (waiting < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(waiting + " connections wait at the gate after " + limit + ", not " + n);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The connections through end at once, both ways (the client sees its socket drop); the gate stays open. */
    public void cut() {
        for (Socket s : sockets) {
            close(s);
            sockets.remove(s);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = front.accept();
                sockets.add(client);
                Thread t = new Thread(() -> pass(client), "tcp-gate-pass");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Waits while the gate is held, then relays {@code client} to the server both ways. */
    private void pass(Socket client) {
        try {
            synchronized (this) {
                waiting++;
                notifyAll();
                long deadline = System.nanoTime() + MAX_HOLD.toNanos();
                while (held && !closed && System.nanoTime() < deadline) {
                    TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
                }
                waiting--;
            }
            Socket server = new Socket();
            sockets.add(server);
            server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
            Thread up = new Thread(() -> pump(client, server), "tcp-gate-up");
            up.setDaemon(true);
            up.start();
            pump(server, client);
        } catch (IOException | InterruptedException e) {
            close(client);
        }
    }

    /** Copies {@code from} to {@code to} until either closes, then closes both. */
    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16_384];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side went away: the relay of this connection ends
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        release();
        try {
            front.close();
        } catch (IOException e) {
            // closing anyway
        }
        sockets.forEach(TcpGate::close);
    }
}
