package io.atrium.webrtc.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsTimeoutException;

/**
 * The datagram layer under BouncyCastle's DTLS record layer (RFC 6347 section 4.1): the caller's socket
 * thread pushes received datagrams in, records go out through a {@link PacketSink}. No socket.
 *
 * <p>Two modes. While handshaking, datagrams are copied into a bounded queue and the handshake thread
 * blocks on it, up to the handshake deadline. Once established ("pumping"), the endpoint processes each
 * datagram synchronously on the thread that delivered it: {@link #receive} hands out whatever is queued,
 * then the caller's datagram in place (no copy), then ends the pass by throwing a preallocated
 * {@link InterruptedIOException}, which BouncyCastle passes through without failing the connection.
 * Pumping-mode calls must hold the endpoint's pump lock.
 */
final class QueuedDatagramTransport implements DatagramTransport {

    /** Largest datagram accepted from the network; anything longer is dropped before the DTLS layer. */
    static final int MAX_DATAGRAM_LENGTH = 2048;

    private static final byte[] WAKE_UP = new byte[0];

    private final BlockingQueue<byte[]> queue;
    private final PacketSink sink;
    private final int mtu;
    private final InterruptedIOException drained = new Drained();

    private volatile boolean closed;
    private volatile boolean pumping;
    private volatile long deadlineNanos = Long.MAX_VALUE;

    private byte[] direct;
    private int directOff;
    private int directLen;

    QueuedDatagramTransport(PacketSink sink, int mtu, int queueCapacity) {
        this.sink = sink;
        this.mtu = mtu;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
    }

    /** Copies a received datagram into the queue; false if the queue is full or the transport closed. */
    boolean enqueue(byte[] buf, int off, int len) {
        if (closed) {
            return false;
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        return queue.offer(copy);
    }

    /** Sets the instant (System.nanoTime) after which a blocked handshake receive fails with a timeout. */
    void deadline(long nanos) {
        deadlineNanos = nanos;
    }

    /** Switches to pumping mode: receive never blocks from now on. */
    void startPumping() {
        pumping = true;
    }

    boolean isPumping() {
        return pumping;
    }

    boolean isClosed() {
        return closed;
    }

    boolean hasQueued() {
        return !queue.isEmpty();
    }

    /** Pumping mode: lends the caller's datagram to the next {@link #receive}; caller holds the pump lock. */
    void lend(byte[] buf, int off, int len) {
        direct = buf;
        directOff = off;
        directLen = len;
    }

    /** Pumping mode: forgets a lent datagram that was not consumed; caller holds the pump lock. */
    void unlend() {
        direct = null;
    }

    @Override
    public int getReceiveLimit() {
        return MAX_DATAGRAM_LENGTH;
    }

    @Override
    public int getSendLimit() {
        return mtu;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        return pumping ? receiveNow(buf, off, len) : receiveHandshake(buf, off, len, waitMillis);
    }

    private int receiveNow(byte[] buf, int off, int len) throws IOException {
        while (!closed) {
            byte[] queued = queue.poll();
            if (queued == null) {
                break;
            }
            if (queued != WAKE_UP && queued.length <= len) {
                System.arraycopy(queued, 0, buf, off, queued.length);
                return queued.length;
            }
        }
        if (!closed && direct != null && directLen <= len) {
            System.arraycopy(direct, directOff, buf, off, directLen);
            direct = null;
            return directLen;
        }
        direct = null;
        throw drained;
    }

    /** A waitMillis of zero means "until the handshake deadline", as in BouncyCastle's own transports. */
    private int receiveHandshake(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new IOException("DTLS endpoint closed");
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new TlsTimeoutException("DTLS handshake timed out");
        }
        long wait = waitMillis == 0 ? remaining : Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(waitMillis));
        byte[] datagram;
        try {
            datagram = queue.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("DTLS handshake thread interrupted", e);
        }
        if (closed) {
            throw new IOException("DTLS endpoint closed");
        }
        if (datagram == null || datagram == WAKE_UP || datagram.length > len) {
            return -1;
        }
        System.arraycopy(datagram, 0, buf, off, datagram.length);
        return datagram.length;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        sink.send(buf, off, len);
    }

    @Override
    public void close() {
        closed = true;
        queue.offer(WAKE_UP);
    }

    /** Ends one pumping pass; carries no stack trace and is never seen outside the endpoint. */
    private static final class Drained extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        Drained() {
            super("no more received datagrams");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
