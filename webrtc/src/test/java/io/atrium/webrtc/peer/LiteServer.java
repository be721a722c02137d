package io.atrium.webrtc.peer;

import io.atrium.webrtc.dtls.DtlsCertificate;
import io.atrium.webrtc.dtls.DtlsCloseReason;
import io.atrium.webrtc.dtls.DtlsEndpoint;
import io.atrium.webrtc.dtls.DtlsFingerprint;
import io.atrium.webrtc.dtls.DtlsListener;
import io.atrium.webrtc.dtls.DtlsRole;
import io.atrium.webrtc.dtls.DtlsSettings;
import io.atrium.webrtc.dtls.SrtpKeyingMaterial;
import io.atrium.webrtc.ice.IceCredentials;
import io.atrium.webrtc.ice.IceLiteAgent;
import io.atrium.webrtc.ice.IceLiteConfig;
import io.atrium.webrtc.ice.IceLiteListener;
import io.atrium.webrtc.srtp.SrtpContext;
import io.atrium.webrtc.srtp.SrtpContexts;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST FIXTURE, not the real server transport: a minimal loopback ICE-lite, DTLS-server, SRTP endpoint built
 * from {@link IceLiteAgent}, {@link DtlsEndpoint} (server role) and {@link SrtpContexts#forServer} on one
 * {@link DatagramSocket} bound to 127.0.0.1. Decrypted RTP/RTCP from the client are queued as copies.
 */
final class LiteServer implements AutoCloseable {
    static final DtlsCertificate CERTIFICATE = DtlsCertificate.generate();

    final IceCredentials credentials = IceCredentials.generate(new SecureRandom());
    final BlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> rtcp = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> stunFromClient = new LinkedBlockingQueue<>();
    final CompletableFuture<DtlsCloseReason> dtlsClosed = new CompletableFuture<>();
    final CompletableFuture<SrtpKeyingMaterial> keys;
    final AtomicInteger bindingRequests = new AtomicInteger();
    final AtomicInteger successResponses = new AtomicInteger();
    final AtomicInteger errorResponses = new AtomicInteger();
    /** When false, the server ignores every STUN datagram (to let the client's consent expire). */
    volatile boolean answerStun = true;

    private final DatagramSocket socket;
    private final IceLiteAgent ice;
    private final DtlsEndpoint dtls;
    private final Thread thread;
    private volatile InetSocketAddress selected;
    private volatile SrtpContext inbound;
    private volatile SrtpContext outbound;

    LiteServer(DtlsFingerprint clientFingerprint) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ice = new IceLiteAgent(credentials, null, IceLiteConfig.DEFAULT, () -> System.nanoTime() / 1_000_000,
                new IceLiteListener() {
                    @Override
                    public void onSelectedAddressChange(InetSocketAddress previous, InetSocketAddress current) {
                        selected = current;
                    }
                });
        dtls = DtlsEndpoint.create(DtlsRole.SERVER, CERTIFICATE, clientFingerprint, DtlsSettings.defaults(),
                (buf, off, len) -> send(buf, off, len), new DtlsListener() {
                    @Override
                    public void onClosed(DtlsCloseReason reason) {
                        dtlsClosed.complete(reason);
                    }
                });
        // keys completes only after the SRTP contexts are set, so a test that waited for it can send at once
        keys = dtls.start(r -> new Thread(r, "lite-server-dtls").start()).thenApply(k -> {
            SrtpContexts contexts = SrtpContexts.forServer(k.profile(), k.material());
            outbound = contexts.outbound();
            inbound = contexts.inbound();
            return k;
        });
        thread = new Thread(this::loop, "lite-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** The server's SDP answer as the client sees it. */
    RemoteDescription description() {
        return new RemoteDescription(credentials.ufrag(), credentials.password(),
                CERTIFICATE.fingerprint().toSdpValue(), address());
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The client address ICE nominated, or null. */
    InetSocketAddress selected() {
        return selected;
    }

    DtlsEndpoint dtls() {
        return dtls;
    }

    /** Protects a copy of {@code plain} (RTP or RTCP) with the server's outbound context and sends it. */
    void sendMedia(byte[] plain, boolean isRtcp) {
        byte[] packet = protect(plain, isRtcp);
        send(packet, 0, packet.length);
    }

    /** {@code plain} (RTP or RTCP) protected with the server's outbound context; test thread only. */
    byte[] protect(byte[] plain, boolean isRtcp) {
        byte[] buf = Arrays.copyOf(plain, plain.length + ClientPeer.MAX_SRTP_OVERHEAD);
        int n = isRtcp ? outbound.protectRtcp(buf, 0, plain.length) : outbound.protectRtp(buf, 0, plain.length);
        if (n < 0) {
            throw new IllegalStateException("server protect failed: " + n);
        }
        return Arrays.copyOf(buf, n);
    }

    /** Sends raw bytes to the client's nominated address. */
    void send(byte[] buf, int off, int len) {
        try {
            socket.send(new DatagramPacket(buf, off, len, selected));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void loop() {
        byte[] buf = new byte[2048];
        byte[] out = new byte[IceLiteAgent.MIN_RESPONSE_BUFFER];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                packet.setLength(buf.length);
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
            int len = packet.getLength();
            switch (PacketKind.of(buf, 0, len)) {
                case STUN -> onStun(buf, len, from, out);
                case DTLS -> {
                    if (ice.isValidated(from)) {
                        dtls.receive(buf, 0, len);
                    }
                }
                case RTP -> onMedia(buf, len, false);
                case RTCP -> onMedia(buf, len, true);
                default -> { }
            }
        }
    }

    private void onStun(byte[] buf, int len, InetSocketAddress from, byte[] out) {
        if (!answerStun) {
            return;
        }
        if ((buf[1] & 0xFF) == 0x01 && buf[0] == 0) {
            bindingRequests.incrementAndGet();
        } else {
            stunFromClient.add(Arrays.copyOf(buf, len));
        }
        int n = ice.handle(buf, 0, len, from, out);
        if (n > 0) {
            (out[1] == 0x01 ? successResponses : errorResponses).incrementAndGet();
            try {
                socket.send(new DatagramPacket(out, 0, n, from));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void onMedia(byte[] buf, int len, boolean isRtcp) {
        SrtpContext context = inbound;
        if (context == null) {
            return;
        }
        int n = isRtcp ? context.unprotectRtcp(buf, 0, len) : context.unprotectRtp(buf, 0, len);
        if (n >= 0) {
            (isRtcp ? rtcp : rtp).add(Arrays.copyOf(buf, n));
        }
    }

    @Override
    public void close() throws InterruptedException {
        dtls.close();
        socket.close();
        thread.join(1000);
    }
}
