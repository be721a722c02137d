package io.atrium.server.sip;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Atrium's own UDP sockets for call media: every call leg gets an RTP socket (even port) and an RTCP
 * socket (the next port). A {@link Path} joins two legs: what phone A sends to its leg goes out of the
 * other leg to phone B, and back. The address of each phone comes from its SDP; packets from elsewhere are taken
 * only as {@link SourceLatch} allows (strict symmetric RTP: a phone behind NAT is learned, nobody else), and are
 * otherwise dropped and counted. One thread ("atrium-rtp") owns all sockets; a packet is read into one reused
 * direct buffer and written on, nothing allocated.
 * A call becomes a room later by attaching its legs to the audio engine instead of to each other.
 */
public final class RtpRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.rtp");
    private static final int ATTEMPTS = 100;
    /** At most one log line per leg in this time about the packets it dropped. */
    private static final long DROP_LOG_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final String host;
    private final int portMin;
    private final int portMax;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
    private final byte[] inbound = new byte[2048];
    private volatile boolean running = true;

    /** Binds on {@code host}; ports from {@code portMin..portMax}, or any free one when both are 0. */
    public RtpRelay(String host, int portMin, int portMax) {
        this.host = host;
        this.portMin = portMin;
        this.portMax = portMax;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector", e);
        }
        this.thread = new Thread(this::run, "atrium-rtp");
        thread.setDaemon(true);
        thread.start();
    }

    /** One side of a call: the RTP and RTCP sockets a phone sends to, and where that phone listens. */
    public final class Leg implements io.atrium.server.sip.audio.AudioLeg.Sink {
        private final DatagramChannel rtp;
        private final DatagramChannel rtcp;
        private final SourceLatch latch = new SourceLatch();
        private volatile Leg peer;
        private volatile long packets;
        /** Packets from elsewhere, dropped (the relay thread's, for its log). */
        private long dropped;
        private long droppedLogged;
        private long dropLoggedAt;
        private boolean droppedAny;
        /** When set, this leg's RTP goes to an audio engine leg instead of a peer (a phone in a room). */
        private volatile io.atrium.server.sip.audio.AudioLeg audio;
        private final ByteBuffer out = ByteBuffer.allocate(2048);

        private Leg(DatagramChannel rtp, DatagramChannel rtcp) {
            this.rtp = rtp;
            this.rtcp = rtcp;
        }

        /** The local RTP port (RTCP is the next one). */
        public int port() {
            return ((InetSocketAddress) socketAddress(rtp)).getPort();
        }

        /**
         * Where the phone of this leg listens, from its SDP (offer, answer or re-INVITE): a new address starts
         * learning where its packets come from ({@link SourceLatch}); the same one again changes nothing.
         */
        public void remote(String address, int port) {
            latch.expect(new InetSocketAddress(address, port), System.nanoTime());
        }

        /**
         * The phone of this leg is another one from now on (a fork's early media moves to another branch or stops): the
         * earlier phone's addresses are barred and the leg takes nothing until {@link #remote} names the new phone.
         */
        public void another() {
            latch.another();
        }

        /** The call of this leg was answered: its phone starts sending now (a new learning period, {@link SourceLatch}). */
        public void answered() {
            latch.answered(System.nanoTime());
        }

        /** RTP and RTCP packets received from this leg's phone. */
        public long packets() {
            return packets;
        }

        /** Hands this leg's RTP and RTCP (its receiver reports) to {@code audio} instead of relaying them. */
        public void attach(io.atrium.server.sip.audio.AudioLeg audio) {
            this.audio = audio;
        }

        /** Sends one RTP packet to this leg's phone. One sending thread at a time (the audio engine's). */
        @Override
        public void send(byte[] packet, int length) {
            send(rtp, latch.rtpTarget(), packet, length);
        }

        /** Sends one RTCP packet to this leg's phone, from the same thread as {@link #send}. */
        @Override
        public void sendRtcp(byte[] packet, int length) {
            send(rtcp, latch.rtcpTarget(), packet, length);
        }

        private void send(DatagramChannel from, SocketAddress to, byte[] packet, int length) {
            if (to == null) {
                return;
            }
            out.clear();
            out.put(packet, 0, length).flip();
            try {
                from.send(out, to);
            } catch (IOException e) {
                log.debug("RTP/RTCP to {}: {}", to, e.toString());
            }
        }

        public void close() {
            tasks.add(() -> {
                closeQuietly(rtp);
                closeQuietly(rtcp);
            });
            selector.wakeup();
        }
    }

    /**
     * What {@code from}'s phone sends goes to {@code to}'s phone; the other way needs its own call (a call's early media
     * go one way until it is answered).
     */
    public void forward(Leg from, Leg to) {
        from.peer = to;
    }

    /** Two new sockets on adjacent ports (RTP even, RTCP odd). */
    public Leg allocate() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = portMin == 0 ? 0 : portMin + 2 * ThreadLocalRandom.current().nextInt((portMax - portMin + 1) / 2);
            DatagramChannel rtp = null;
            try {
                rtp = bind(port == 0 ? 0 : port & ~1);
                int bound = ((InetSocketAddress) rtp.getLocalAddress()).getPort();
                if ((bound & 1) != 0) {
                    rtp.close();
                    continue;
                }
                DatagramChannel rtcp = bind(bound + 1);
                Leg leg = new Leg(rtp, rtcp);
                tasks.add(() -> register(leg));
                selector.wakeup();
                return leg;
            } catch (IOException e) {
                closeQuietly(rtp);
            }
        }
        throw new IllegalStateException("no free RTP port pair on " + host + " (sip.rtp_port_min/max)");
    }

    private DatagramChannel bind(int port) throws IOException {
        DatagramChannel c = DatagramChannel.open();
        c.setOption(StandardSocketOptions.SO_REUSEADDR, false);
        c.bind(new InetSocketAddress(host, port));
        c.configureBlocking(false);
        return c;
    }

    private void register(Leg leg) {
        try {
            leg.rtp.register(selector, SelectionKey.OP_READ, leg);
            leg.rtcp.register(selector, SelectionKey.OP_READ, leg);
        } catch (ClosedChannelException e) {
            // closed before it was registered
        }
    }

    private void run() {
        while (running) {
            try {
                selector.select(500);
                for (Runnable t; (t = tasks.poll()) != null; ) {
                    t.run();
                }
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (key.isValid() && key.isReadable()) {
                        forward((Leg) key.attachment(), (DatagramChannel) key.channel());
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.warn("RTP relay loop: {}", e.toString());
            }
        }
    }

    private void forward(Leg leg, DatagramChannel from) throws IOException {
        boolean isRtp = from == leg.rtp;
        for (int i = 0; i < 64; i++) {
            buffer.clear();
            InetSocketAddress source = (InetSocketAddress) from.receive(buffer);
            if (source == null) {
                return;
            }
            buffer.flip();
            long now = System.nanoTime();
            if (!(isRtp ? leg.latch.acceptRtp(source, buffer, now) : leg.latch.acceptRtcp(source, buffer))) {
                dropped(leg, source, now);
                continue;
            }
            leg.packets++;
            io.atrium.server.sip.audio.AudioLeg engine = leg.audio;
            if (engine != null) {
                int n = buffer.remaining();
                buffer.get(inbound, 0, n);
                if (isRtp) {
                    engine.receiveRtp(inbound, 0, n);
                } else {
                    engine.receiveRtcp(inbound, 0, n);
                }
                continue;
            }
            Leg peer = leg.peer;
            SocketAddress to = peer == null ? null : isRtp ? peer.latch.rtpTarget() : peer.latch.rtcpTarget();
            if (to != null) {
                (isRtp ? peer.rtp : peer.rtcp).send(buffer, to);
            }
        }
    }

    /** Counts a packet {@code leg} did not take from {@code source}; logs at debug the first and then at most every 10 s. */
    private static void dropped(Leg leg, InetSocketAddress source, long now) {
        leg.dropped++;
        if (log.isDebugEnabled() && (!leg.droppedAny || now - leg.dropLoggedAt >= DROP_LOG_NANOS)) {
            log.debug("RTP leg {}: dropped {} packet(s) not from its phone, the last from {}", leg.port(),
                    leg.dropped - leg.droppedLogged, source);
            leg.droppedAny = true;
            leg.dropLoggedAt = now;
            leg.droppedLogged = leg.dropped;
        }
    }

    private static SocketAddress socketAddress(DatagramChannel c) {
        try {
            return c.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(DatagramChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
            for (SelectionKey k : selector.keys()) {
                k.channel().close();
            }
            selector.close();
        } catch (IOException | InterruptedException e) {
            log.debug("closing the RTP relay: {}", e.toString());
        }
    }
}
