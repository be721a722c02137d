package io.atrium.server.transport;

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
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one UDP socket that carries all media (Netty; native epoll with recvmmsg/sendmmsg batching
 * where available, NIO otherwise). One event-loop thread reads every datagram and runs the whole
 * media hot path; {@link #send} queues without flushing and {@link #flush} (at the end of each read
 * batch, or by timers) hands the batch to the kernel.
 */
public final class MediaSocket implements AutoCloseable {

    /** Largest datagram accepted; larger ones are truncated by the kernel and then dropped as malformed. */
    public static final int MAX_DATAGRAM = 1500;
    /** Datagrams read per recvmmsg call. */
    static final int READ_BATCH = 16;

    private static final Logger log = LoggerFactory.getLogger(MediaSocket.class);

    /** Receives every datagram, on the event-loop thread, in a buffer reused after the call. */
    public interface Receiver {
        void onDatagram(byte[] buf, int len, InetSocketAddress from);

        /** End of a read batch: a good moment to flush. */
        default void onBatchEnd() {
        }
    }

    private final EventLoopGroup group;
    private final Channel channel;
    private final byte[] readBuffer = new byte[MAX_DATAGRAM];

    private MediaSocket(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code host:port} (port 0 picks one) and starts reading into {@code receiver}. */
    public static MediaSocket bind(String host, int port, Receiver receiver) {
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
                receiver.onBatchEnd();
                ctx.flush();
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
        try {
            Channel ch = b.bind(host, port).sync().channel();
            self[0] = new MediaSocket(group, ch);
            log.info("media socket on udp {} ({})", ch.localAddress(), epoll ? "epoll" : "nio");
            return self[0];
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new TransportException("cannot bind UDP " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Queues a datagram (copied); sent at the next {@link #flush}. Any thread. */
    public void send(byte[] buf, int off, int len, InetSocketAddress to) {
        ByteBuf out = channel.alloc().directBuffer(len);
        out.writeBytes(buf, off, len);
        channel.write(new DatagramPacket(out, to), channel.voidPromise());
    }

    public void flush() {
        channel.flush();
    }

    /** True when called on the media thread. */
    public boolean inEventLoop() {
        return channel.eventLoop().inEventLoop();
    }

    /** Runs {@code task} on the media thread. */
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    /** Runs {@code task} on the media thread every {@code periodMillis}. */
    public void every(long periodMillis, Runnable task) {
        channel.eventLoop().scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("media timer failed", e);
            }
            channel.flush();
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
