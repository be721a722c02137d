package io.atrium.bench.load;

import io.atrium.webrtc.dtls.DtlsCertificate;
import io.atrium.webrtc.ice.IceCredentials;
import io.atrium.webrtc.peer.ClientPeer;
import io.atrium.webrtc.peer.DatagramTransport;
import io.atrium.webrtc.peer.MediaListener;
import io.atrium.webrtc.peer.PeerException;
import io.atrium.webrtc.peer.PeerSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator's sockets: every peer's UDP socket is a Netty channel on a few shared event loops instead
 * of a {@code DatagramSocket} with a receive thread per peer. With epoll (Linux) a read takes up to
 * {@value #READ_BATCH} datagrams in one {@code recvmmsg} into one pooled buffer, and the datagrams queued on a
 * socket since its last flush leave in one {@code sendmmsg}. Each datagram is copied once, into the channel's
 * byte array, and handed to {@link ClientPeer#receive} on the channel's event loop, which decrypts it in place
 * (the {@code webrtc/} SRTP contexts, as before) and calls the listener: so a peer's receive side stays on one
 * thread. Sends (pacer, DTLS, consent, STUN replies) are copied into pooled direct buffers and queued, and one
 * flush task per burst writes everything queued on that socket.
 */
public final class PeerIo implements AutoCloseable {
    /** Datagrams per {@code recvmmsg}. */
    static final int READ_BATCH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EventLoopGroup group;
    private final boolean epoll = Epoll.isAvailable();
    private final int threads;
    private final AtomicLong sendErrors = new AtomicLong();
    /** The tag of the datagram this thread sends next ({@link #tagNextSend}), -1 for none. */
    private static final ThreadLocal<long[]> NEXT_TAG = ThreadLocal.withInitial(() -> new long[] {-1});
    private final SendTimes sendTimes;

    /** {@code threads} event loops; peers are spread over them round-robin; send times are not recorded. */
    public PeerIo(int threads) {
        this(threads, null);
    }

    /**
     * {@code threads} event loops; peers are spread over them round-robin; {@code sendTimes} (if not null) gets the time
     * each tagged datagram is handed to the kernel.
     */
    public PeerIo(int threads, SendTimes sendTimes) {
        if (threads < 1) {
            throw new IllegalArgumentException("client I/O threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.sendTimes = sendTimes;
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bench-io", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** A peer on a new channel bound to 127.0.0.1 on an ephemeral port, with generated ICE credentials. */
    public ClientPeer open(DtlsCertificate certificate, MediaListener listener) {
        ChannelTransport transport = bindChannel();
        ClientPeer peer = new ClientPeer(transport, IceCredentials.generate(RANDOM), certificate,
                PeerSettings.defaults(), listener);
        transport.peer = peer;
        return peer;
    }

    /** A bare socket of this I/O, without a peer (what it receives is dropped): to test the send path. */
    DatagramTransport bind() {
        return bindChannel();
    }

    /** A channel on 127.0.0.1 on an ephemeral port, on one of the event loops. */
    private ChannelTransport bindChannel() {
        ChannelTransport transport = new ChannelTransport();
        Bootstrap b = new Bootstrap().group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .handler(transport);
        if (epoll) {
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, ClientPeer.MAX_DATAGRAM_LENGTH)
                    .option(ChannelOption.RECVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(ClientPeer.MAX_DATAGRAM_LENGTH * READ_BATCH));
        }
        try {
            transport.channel = b.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        } catch (Exception e) {
            throw new PeerException("cannot bind a UDP socket on 127.0.0.1: " + e.getMessage(), e);
        }
        return transport;
    }

    /**
     * Tags the next datagram this thread sends through any socket of a {@code PeerIo} with {@code tag} (a {@link
     * SendTimes#tag}; -1 clears it): the publisher's pacer, around each stamped packet it hands its peer.
     */
    static void tagNextSend(long tag) {
        NEXT_TAG.get()[0] = tag;
    }

    /** One datagram waiting for the flush task, and its tag (-1: none). */
    private record Queued(DatagramPacket packet, long tag) {
    }

    /** "epoll (recvmmsg/sendmmsg)" or "NIO", and the thread count, for the report. */
    public String describe() {
        return (epoll ? "Netty epoll, recvmmsg x" + READ_BATCH + " and sendmmsg" : "Netty NIO") + ", " + threads
                + (threads == 1 ? " thread" : " threads");
    }

    /** Datagrams the kernel refused to send (the peers count them as lost). */
    public long sendErrors() {
        return sendErrors.get();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One peer's socket: its receive handler and its send queue. */
    private final class ChannelTransport extends SimpleChannelInboundHandler<DatagramPacket>
            implements DatagramTransport {
        private final byte[] buf = new byte[ClientPeer.MAX_DATAGRAM_LENGTH];
        private final AtomicBoolean flushQueued = new AtomicBoolean();
        /** Datagrams from other threads waiting for the flush task, which writes them all and then flushes. */
        private final Queue<Queued> pending = new ConcurrentLinkedQueue<>();
        /** The tags of the datagrams the running flush wrote (flush task only). */
        private long[] flushed = new long[64];
        private volatile Channel channel;
        private volatile ClientPeer peer;
        /*
         * The flag is cleared before the queue is drained: a datagram queued after the drain began either is
         * drained by it or sees the flag clear and queues another flush. (Writing through Channel.write from the
         * sender's thread and flushing from a task could strand a burst's later packets: their write tasks ran
         * after the flush task, and waited for the socket's next burst, up to 20 ms.)
         */
        private final Runnable flush = () -> {
            flushQueued.set(false);
            Channel ch = channel;
            int tags = 0;
            for (Queued q; (q = pending.poll()) != null; ) {
                ch.write(q.packet(), ch.voidPromise());
                if (q.tag() >= 0 && sendTimes != null) {
                    if (tags == flushed.length) {
                        flushed = java.util.Arrays.copyOf(flushed, 2 * tags);
                    }
                    flushed[tags++] = q.tag();
                }
            }
            long now = System.nanoTime(); // the sendmmsg below (later only if an earlier flush left the socket full)
            for (int i = 0; i < tags; i++) {
                sendTimes.sent(flushed[i], now);
            }
            ch.flush();
        };

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ClientPeer p = peer;
            if (p == null) {
                return;
            }
            ByteBuf content = packet.content();
            int len = Math.min(content.readableBytes(), buf.length);
            content.getBytes(content.readerIndex(), buf, 0, len);
            p.receive(buf, len, packet.sender());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            sendErrors.incrementAndGet();
        }

        @Override
        public void send(byte[] data, int off, int len, InetSocketAddress to) {
            Channel ch = channel;
            if (!ch.isActive()) {
                sendErrors.incrementAndGet();
                return;
            }
            ByteBuf out = ch.alloc().directBuffer(len).writeBytes(data, off, len);
            long[] tag = NEXT_TAG.get();
            pending.add(new Queued(new DatagramPacket(out, to), tag[0]));
            tag[0] = -1;
            if (!flushQueued.getAndSet(true)) {
                try {
                    ch.eventLoop().execute(flush);
                } catch (RejectedExecutionException closing) {
                    sendErrors.incrementAndGet();
                    for (Queued q; (q = pending.poll()) != null; ) {
                        q.packet().release();
                    }
                }
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            return (InetSocketAddress) channel.localAddress();
        }

        @Override
        public void close() {
            channel.close();
        }
    }
}
