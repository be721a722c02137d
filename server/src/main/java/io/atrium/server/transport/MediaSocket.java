package io.atrium.server.transport;

import io.atrium.server.config.AddressPatterns;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one UDP socket that carries all media (Netty; native epoll with recvmmsg/sendmmsg batching
 * where available, NIO otherwise). One event-loop thread reads every datagram and runs the whole
 * media hot path; {@link #send} queues without flushing and {@link #flush} (at the end of each read
 * batch, or by timers) hands the batch to the kernel: one {@code sendmmsg} for the whole batch, in which
 * the datagrams to one destination that {@link Egress} finds in runs of one size go as one UDP GSO
 * message each ({@code UDP_SEGMENT}, where the epoll transport supports it), so an ingress batch's
 * fan-out costs the kernel one send per subscriber rather than one per packet. With epoll the call is made
 * by {@link Sendmmsg} straight from {@link Egress}'s memory (no buffer, packet object or outbound entry
 * per message); a datagram the kernel refuses or has no room for then is dropped and counted
 * ({@link #egressDropped}), never queued: when the send buffer is full the rest of that flush is dropped and the flush
 * returns at once, and the next flush goes on as usual. Elsewhere (NIO) each message goes through the channel.
 *
 * <p>ICE-TCP (RFC 6544, passive): a TCP listener on the same port number, on the same event-loop
 * thread. Each connection's byte stream is cut into frames by {@link Rfc4571} and every frame goes to
 * the same {@link Receiver#onDatagram} as a UDP datagram, from the connection's remote address; a
 * {@link #send} to that address is written to the connection, framed. Bounded: at most
 * {@link #MAX_TCP_CONNECTIONS}, and at most {@code rtc.tcp_connections_per_address} from one IP address
 * (more are closed at once and counted, {@link #tcpRefused}); a connection must earn its place
 * (docs/SECURITY.md, finding 20): its first frame must be a STUN binding request that makes the receiver
 * route its address to a peer ({@link Receiver#routes}: a known ufrag and the right password), and its
 * address must stay routed (no peer for {@code rtc.connect_timeout_seconds}: before the first frame, or
 * once its peer is gone), else it is closed and counted ({@link #tcpUnrouted}); a frame
 * longer than {@link #MAX_DATAGRAM} is dropped, a connection
 * silent for {@link #TCP_IDLE_SECONDS} is closed, and when a connection's outbound buffer is above
 * {@link #TCP_HIGH_WATER} bytes (a slow reader) packets to it are dropped and counted, never queued
 * without bound and never waited for.
 */
public final class MediaSocket implements AutoCloseable {

    /** Largest datagram accepted; larger ones are truncated by the kernel and then dropped as malformed. */
    public static final int MAX_DATAGRAM = 1500;
    /** Datagrams read per recvmmsg call. */
    static final int READ_BATCH = 16;
    /** Datagrams queued between flushes before one is forced (bounds the queue's memory). */
    static final int EGRESS_DATAGRAMS = 1024;
    /** Most ICE-TCP connections open at once; more are closed at once. */
    public static final int MAX_TCP_CONNECTIONS = 4096;
    /** An ICE-TCP connection that sends nothing this long is closed (consent checks come every few seconds). */
    static final int TCP_IDLE_SECONDS = 60;
    /** Outbound bytes queued on one ICE-TCP connection above which packets to it are dropped. */
    public static final int TCP_HIGH_WATER = 256 * 1024;

    private static final Logger log = LoggerFactory.getLogger(MediaSocket.class);

    /** Receives every datagram, on the event-loop thread, in a buffer reused after the call. */
    public interface Receiver {
        void onDatagram(byte[] buf, int len, InetSocketAddress from);

        /** End of a read batch: a good moment to flush. */
        default void onBatchEnd() {
        }

        /** Whether datagrams from {@code from} go to a peer (an ICE-TCP connection whose address does not is closed). */
        default boolean routes(InetSocketAddress from) {
            return true;
        }
    }

    private final EventLoopGroup group;
    private final Channel channel;
    private final byte[] readBuffer = new byte[MAX_DATAGRAM];
    private final Egress egress;
    private final Egress.RunSink writeRun = this::writeRun;
    /** Netty's {@code sendmmsg} straight from {@link #egress}; null when not available (NIO). */
    private final Sendmmsg direct;
    private final Egress.RunSink directRun = this::directRun;
    private final Sendmmsg.Dropped dropped = this::dropped;
    private long egressMessages;
    private long egressDatagrams;
    private final AtomicLong egressDropped = new AtomicLong();
    private final Ticks ticks;
    private Channel tcpServer;
    /** Open ICE-TCP connections by remote address; changed on the media thread, read by senders on any thread. */
    private final Map<InetSocketAddress, Channel> tcp = new ConcurrentHashMap<>();
    private final AtomicLong tcpDropped = new AtomicLong();
    private final AtomicLong tcpOversize = new AtomicLong();
    private final AtomicLong tcpAccepted = new AtomicLong();
    private final AtomicLong tcpRefused = new AtomicLong();
    private final AtomicLong tcpUnrouted = new AtomicLong();
    /** Open ICE-TCP connections per remote IP address (an IPv6 one's /64, {@link AddressPatterns#block}); media thread only. */
    private final Map<java.net.InetAddress, Integer> tcpPerAddress = new java.util.HashMap<>();
    private final int tcpMaxPerAddress;
    private final long tcpUnroutedNanos;

    private MediaSocket(EventLoopGroup group, Channel channel, boolean segment, TcpRules rules, boolean withoutEnvelope) {
        this.group = group;
        this.channel = channel;
        this.tcpMaxPerAddress = rules.perAddress();
        this.tcpUnroutedNanos = TimeUnit.MILLISECONDS.toNanos(rules.unroutedMillis());
        this.egress = new Egress(EGRESS_DATAGRAMS, EGRESS_DATAGRAMS * MAX_DATAGRAM, segment);
        // before anything below may throw: the caller then shuts the group down, and the egress buffer is freed
        group.terminationFuture().addListener(ended -> freeNativeMemory());
        this.ticks = new Ticks(channel.eventLoop(), this::flush);
        this.direct = withoutEnvelope && channel instanceof EpollDatagramChannel epoll && Sendmmsg.AVAILABLE
                ? new Sendmmsg(epoll, EGRESS_DATAGRAMS) : null;
    }

    /**
     * The ICE-TCP bounds set by configuration: connections per remote IP address ({@code rtc.tcp_connections_per_address})
     * and how long a connection's address may go without a peer ({@code rtc.connect_timeout_seconds}).
     */
    public record TcpRules(int perAddress, long unroutedMillis) {
    }

    /**
     * Binds {@code host:port} for UDP and TCP (port 0 picks one free for both: a picked UDP port whose
     * number is taken for TCP is given up and another picked) and starts reading into {@code receiver}.
     */
    public static MediaSocket bind(String host, int port, Receiver receiver, TcpRules rules) {
        return bind(host, port, receiver, rules, true);
    }

    /**
     * As {@link #bind(String, int, Receiver, TcpRules)}; {@code withoutEnvelope} false makes every message go through
     * the channel even where {@link Sendmmsg} is available (to measure one way against the other).
     */
    static MediaSocket bind(String host, int port, Receiver receiver, TcpRules rules, boolean withoutEnvelope) {
        for (int attempt = 1; ; attempt++) {
            try {
                return bindOnce(host, port, receiver, rules, withoutEnvelope);
            } catch (TcpTaken e) {
                if (port != 0 || attempt == 20) {
                    throw e;
                }
            }
        }
    }

    /** The UDP port was bound but its number is not free for TCP. */
    private static final class TcpTaken extends TransportException {
        TcpTaken(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static MediaSocket bindOnce(String host, int port, Receiver receiver, TcpRules rules, boolean withoutEnvelope) {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("atrium-media", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Bootstrap b = new Bootstrap().group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20);
        if (epoll) {
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM * READ_BATCH));
        }
        MediaSocket[] self = new MediaSocket[1];
        b.handler(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                ByteBuf content = packet.content();
                int len = Math.min(content.readableBytes(), MAX_DATAGRAM);
                byte[] buf = self[0].readBuffer;
                content.getBytes(content.readerIndex(), buf, 0, len);
                try {
                    receiver.onDatagram(buf, len, packet.sender());
                } catch (RuntimeException e) {
                    log.warn("media receiver failed on a datagram from {}", packet.sender(), e);
                }
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                self[0].batchEnd(receiver);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                log.warn("media socket error: {}", cause.toString());
                Thread.UncaughtExceptionHandler fatal = Thread.getDefaultUncaughtExceptionHandler();
                if (cause instanceof VirtualMachineError && fatal != null) {
                    fatal.uncaughtException(Thread.currentThread(), cause); // Main exits so a supervisor restarts
                }
            }
        });
        Channel ch;
        try {
            ch = b.bind(host, port).sync().channel();
            self[0] = new MediaSocket(group, ch, epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported(), rules,
                    withoutEnvelope);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new TransportException("cannot bind UDP " + host + ":" + port + ": " + e.getMessage(), e);
        }
        int bound = ((InetSocketAddress) ch.localAddress()).getPort();
        try {
            self[0].tcpServer = self[0].listenTcp(host, bound, epoll, receiver);
        } catch (Exception e) {
            self[0].close();
            throw new TcpTaken("cannot listen on TCP " + host + ":" + bound + " (ICE-TCP beside the UDP media port): "
                    + e.getMessage(), e);
        }
        log.info("media socket on udp and tcp {} ({}{}{}, SRTP profiles {})", ch.localAddress(), epoll ? "epoll" : "nio",
                self[0].egress.segments() ? ", UDP GSO" : "", self[0].direct != null ? ", sendmmsg without envelope" : "",
                io.atrium.webrtc.srtp.SrtpProfile.preferred());
        return self[0];
    }

    private Channel listenTcp(String host, int port, boolean epoll, Receiver receiver) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(TCP_HIGH_WATER / 2, TCP_HIGH_WATER))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(Rfc4571.decoder(), new TcpFrames(receiver));
                    }
                });
        return b.bind(host, port).sync().channel();
    }

    /** One ICE-TCP connection's frames into the receiver, as datagrams from its remote address. */
    private final class TcpFrames extends SimpleChannelInboundHandler<ByteBuf> {
        private final Receiver receiver;
        private long lastReadNanos = System.nanoTime();
        /** When the receiver last routed this connection's address (or when it was accepted). */
        private long lastRoutedNanos = System.nanoTime();
        /**
         * The remote address as the per-address cap counts it ({@link AddressPatterns#block}); set once this connection
         * holds a place in {@link #tcp} and {@link #tcpPerAddress}, null while it holds none.
         */
        private java.net.InetAddress client;
        private boolean firstFrame = true;
        private io.netty.util.concurrent.ScheduledFuture<?> check;

        TcpFrames(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            java.net.InetAddress block = AddressPatterns.block(remote.getAddress());
            if (tcp.size() >= MAX_TCP_CONNECTIONS || tcpPerAddress.getOrDefault(block, 0) >= tcpMaxPerAddress) {
                tcpRefused.incrementAndGet();
                ctx.close();
                return;
            }
            client = block;
            tcpPerAddress.merge(client, 1, Integer::sum);
            tcp.put(remote, ctx.channel());
            tcpAccepted.incrementAndGet();
            long period = Math.max(1, Math.min(TimeUnit.SECONDS.toMillis(TCP_IDLE_SECONDS / 4),
                    TimeUnit.NANOSECONDS.toMillis(tcpUnroutedNanos) / 4));
            check = ctx.executor().scheduleAtFixedRate(() -> check(ctx, remote), period, period, TimeUnit.MILLISECONDS);
        }

        /** Closes a connection silent for {@link #TCP_IDLE_SECONDS}, or whose address no peer has had for a while. */
        private void check(ChannelHandlerContext ctx, InetSocketAddress remote) {
            long now = System.nanoTime();
            if (receiver.routes(remote)) {
                lastRoutedNanos = now;
            } else if (now - lastRoutedNanos > tcpUnroutedNanos) {
                tcpUnrouted.incrementAndGet();
                ctx.close();
            } else if (now - lastReadNanos > TimeUnit.SECONDS.toNanos(TCP_IDLE_SECONDS)) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (client == null) {
                return;
            }
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            tcp.remove(remote, ctx.channel());
            tcpPerAddress.computeIfPresent(client, (a, n) -> n > 1 ? n - 1 : null);
            if (check != null) {
                check.cancel(false);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            lastReadNanos = System.nanoTime();
            InetSocketAddress from = (InetSocketAddress) ctx.channel().remoteAddress();
            int len = frame.readableBytes();
            if (len == 0 || len > MAX_DATAGRAM) {
                tcpOversize.incrementAndGet();
            } else {
                frame.getBytes(frame.readerIndex(), readBuffer, 0, len);
                try {
                    receiver.onDatagram(readBuffer, len, from);
                } catch (RuntimeException e) {
                    log.warn("media receiver failed on a TCP frame from {}", from, e);
                }
            }
            if (firstFrame) {
                firstFrame = false;
                if (!receiver.routes(from)) { // not a binding request that a peer accepted: a stranger
                    tcpUnrouted.incrementAndGet();
                    ctx.close();
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            batchEnd(receiver);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("ICE-TCP connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    /** Packets not written to an ICE-TCP connection because its outbound buffer was full (a slow reader). */
    public long tcpDropped() {
        return tcpDropped.get();
    }

    /** ICE-TCP frames dropped because they were empty or longer than {@link #MAX_DATAGRAM}. */
    public long tcpOversize() {
        return tcpOversize.get();
    }

    /** ICE-TCP connections accepted since start. */
    public long tcpAccepted() {
        return tcpAccepted.get();
    }

    /**
     * ICE-TCP connections closed at once because {@link #MAX_TCP_CONNECTIONS} were open, or as many as the per-address
     * cap from the same IP address, since start.
     */
    public long tcpRefused() {
        return tcpRefused.get();
    }

    /**
     * ICE-TCP connections closed because no peer took their address: their first frame was not an accepted STUN
     * binding request, or no peer had their address for {@code rtc.connect_timeout_seconds}; since start.
     */
    public long tcpUnrouted() {
        return tcpUnrouted.get();
    }

    /** Open ICE-TCP connections. */
    public int tcpConnections() {
        return tcp.size();
    }

    /** The port of the ICE-TCP listener (the UDP port's number). */
    public int tcpPort() {
        return ((InetSocketAddress) tcpServer.localAddress()).getPort();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Queues a datagram (copied); sent at the next {@link #flush}. Any thread (off the media thread it is
     * handed to it and flushed there). To the remote address of an ICE-TCP connection it is written
     * there, framed, or dropped when that connection is backed up.
     */
    public void send(byte[] buf, int off, int len, InetSocketAddress to) {
        Channel stream = tcp.isEmpty() ? null : tcp.get(to);
        if (stream != null) {
            if (!stream.isWritable()) {
                tcpDropped.incrementAndGet();
                return;
            }
            stream.write(Rfc4571.frame(stream.alloc(), buf, off, len), stream.voidPromise());
            return;
        }
        if (!inEventLoop()) {
            byte[] copy = java.util.Arrays.copyOfRange(buf, off, off + len);
            offer(() -> {
                send(copy, 0, copy.length, to);
                flush();
            });
            return;
        }
        if (!egress.fits(len)) {
            flush();
        }
        egress.add(buf, off, len, to);
    }

    /** Hands what {@link #send} queued to the kernel. Any thread (off the media thread it is done there). */
    public void flush() {
        if (!inEventLoop()) {
            offer(this::flush);
            return;
        }
        if (!egress.isEmpty()) {
            if (direct != null) {
                egress.drain(directRun);
                direct.send(dropped);
            } else {
                egress.drain(writeRun);
                channel.flush();
            }
        }
        if (!tcp.isEmpty()) {
            tcp.values().forEach(Channel::flush);
        }
    }

    /**
     * One run from {@link Egress}: a datagram, or several of one size to one destination as one GSO message, in a
     * pooled direct buffer of its own. (Slices of one buffer per flush were tried: they saved the pool's work per
     * run but made the media thread's garbage about 1.5 times as large, and young pauses are what the latency tail is
     * made of: docs/PERFORMANCE.md, "Fixed costs, egress envelope and latency tails".)
     */
    private void writeRun(int first, int count, int segment, int bytes, InetSocketAddress to) {
        ByteBuf out = channel.alloc().directBuffer(bytes);
        ByteBuf data = egress.data();
        for (int i = first, n = 0; n < count; n++, i = egress.next(i)) {
            out.writeBytes(data, egress.offset(i), egress.length(i));
        }
        channel.write(count == 1 ? new DatagramPacket(out, to) : new SegmentedDatagramPacket(out, segment, to),
                channel.voidPromise());
        egressMessages++;
        egressDatagrams += count;
    }

    /** One run from {@link Egress} as one message of {@link #direct}'s next {@code sendmmsg}. */
    private void directRun(int first, int count, int segment, int bytes, InetSocketAddress to) {
        direct.add(egress, first, count, segment, to);
        egressMessages++;
        egressDatagrams += count;
    }

    /** A message {@link #direct} could not send: refused by the kernel ({@code cause}), or no room in the send buffer. */
    private void dropped(int datagrams, java.io.IOException cause) {
        egressMessages--;
        egressDatagrams -= datagrams;
        if (egressDropped.getAndAdd(datagrams) == 0) {
            log.warn("media socket dropped {} datagram(s) the kernel did not take: {} (counted as dropped datagrams, reason"
                    + " send_failed; logged once)", datagrams, cause == null ? "send buffer full" : cause.toString());
        }
    }

    /** UDP messages handed to the kernel since start (a GSO message counts once). Media thread. */
    long egressMessages() {
        return egressMessages;
    }

    /** UDP datagrams sent since start (a GSO message counts each of its segments). Media thread. */
    long egressDatagrams() {
        return egressDatagrams;
    }

    /** Datagrams dropped because the kernel refused them or had no room in the socket's send buffer, since start. */
    public long egressDropped() {
        return egressDropped.get();
    }

    /** True when called on the media thread. */
    public boolean inEventLoop() {
        return channel.eventLoop().inEventLoop();
    }

    /**
     * Runs {@code task} on the media thread. While the server stops the thread takes no more tasks, and what is handed
     * to it from outside follows one rule (docs/MEDIA.md, "While the server stops"): a call whose caller needs its
     * answer is refused with {@code 503} ({@code Sfu.onMediaThread}; this method itself throws
     * {@link java.util.concurrent.RejectedExecutionException} then), a clean-up runs anyway ({@link #cleanUp}), and
     * anything else (media, an observation nobody waits for) is dropped ({@link #offer}).
     */
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    /** As {@link #execute}, but while the server stops {@code task} is dropped: false then. Any thread. */
    public boolean offer(Runnable task) {
        try {
            execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return false;
        }
    }

    /**
     * A clean-up for the media thread, never refused: once the thread takes no more tasks (the server stops) it runs
     * when the thread has ended, at once if it has, so never alongside it. Any thread.
     */
    public void cleanUp(Runnable task) {
        if (!offer(task)) {
            io.netty.util.concurrent.Future<?> ended = channel.eventLoop().terminationFuture();
            if (ended.isDone()) {
                task.run();
            } else {
                ended.addListener(f -> task.run());
            }
        }
    }

    /** True once the server has begun stopping this socket's media thread. */
    public boolean stopping() {
        return channel.eventLoop().isShuttingDown();
    }

    /**
     * Runs {@code task} on the media thread every {@code periodMillis} until the returned tick is cancelled: at the end
     * of the first read batch after it is due, or by a timer a little later when none comes ({@link Ticks}); what it
     * sends is flushed. Any thread.
     */
    public Ticks.Tick every(long periodMillis, Runnable task) {
        return ticks.every(periodMillis, task);
    }

    /**
     * The end of a read batch (UDP or ICE-TCP): the receiver's, the batch's flush, then the periodic tasks that are due
     * and their own flush (after the batch's, so that its packets never wait for a tick).
     */
    private void batchEnd(Receiver receiver) {
        receiver.onBatchEnd();
        flush();
        if (ticks.runDue()) {
            flush();
        }
    }

    /**
     * Closes the listener, the connections and the socket and stops the media thread, waiting a few seconds for it; the
     * native memory the egress queues and sends from is freed when the thread has ended, whenever that is (a task still
     * running keeps its use until it returns; {@link #freeNativeMemory}).
     */
    @Override
    public void close() {
        if (tcpServer != null) {
            tcpServer.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        tcp.values().forEach(Channel::close);
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        log.info("media socket closed: {} UDP datagrams sent in {} messages, {} dropped", egressDatagrams, egressMessages,
                egressDropped.get());
    }

    /**
     * Frees the native memory {@link #egress} and {@link #direct} queue and send from. Run once the media thread has ended
     * (the constructor hangs it on the group's termination, however long after {@link #close} that comes), so never under
     * a flush: a flush runs only on that thread, and what is handed to it once it has stopped is dropped ({@link #offer}).
     */
    private void freeNativeMemory() {
        egress.release();
        if (direct != null) {
            direct.release();
        }
    }

    /** True once the native memory is freed: after {@link #close}, when the media thread has ended. Any thread. */
    boolean nativeMemoryFreed() {
        return egress.released() && (direct == null || direct.released());
    }
}
