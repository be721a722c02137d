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
import io.atrium.webrtc.srtp.SrtpContext;
import io.atrium.webrtc.srtp.SrtpContexts;
import io.atrium.webrtc.srtp.SrtpProfile;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client-mode WebRTC peer over one UDP socket toward an ICE-lite, DTLS-server SFU: ICE as the controlling
 * full agent with aggressive nomination (RFC 8445), or toward a full-agent server (e.g. Janus) in either
 * {@link IceRole} with role conflicts resolved, consent freshness (RFC 7675), DTLS client handshake with
 * the server fingerprint checked (RFC 5763, RFC 8827 section 6.5), SRTP/SRTCP with the DTLS-SRTP keys
 * (RFC 3711, RFC 5764, RFC 7714), demultiplexing per RFC 7983 and RFC 5761 (see {@link PacketKind}).
 *
 * <p><b>Threads.</b> {@link #connect} runs on the caller's thread. A receive thread owns the socket's
 * receive side and the inbound SRTP context, and calls the {@link MediaListener}; on a {@link DatagramTransport}
 * the transport's thread does, through {@link #receive}. A scheduler thread sends
 * consent checks. {@link #sendRtp} and {@link #sendRtcp} may be called from any thread: they are serialized
 * by one lock, under which alone the outbound SRTP context (thread-confined, see {@link SrtpContext}) is
 * used. Only datagrams from the remote candidate are processed; others are dropped and counted.
 *
 * <p>The peer owns its socket (or transport) and closes it in {@link #close}. A failed {@code connect} closes
 * the peer.
 */
public final class ClientPeer implements AutoCloseable {
    /** Largest datagram received; a full Ethernet payload. */
    public static final int MAX_DATAGRAM_LENGTH = 1500;
    /** Room to leave after any packet before the peer has negotiated a profile: the largest SRTCP trailer. */
    public static final int MAX_SRTP_OVERHEAD =
            Arrays.stream(SrtpProfile.values()).mapToInt(SrtpProfile::rtcpOverhead).max().orElseThrow();

    private static final System.Logger LOG = System.getLogger(ClientPeer.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The socket the receive thread reads, or null when a {@link DatagramTransport} delivers datagrams. */
    private final DatagramSocket socket;
    private final DatagramTransport transport;
    private final byte[] reply = new byte[ConnectivityChecks.BUFFER_LENGTH];
    private final IceCredentials local;
    private final DtlsCertificate certificate;
    private final PeerSettings settings;
    private final MediaListener listener;
    private final AtomicReference<PeerState> state = new AtomicReference<>(PeerState.NEW);
    private final ReentrantLock sendLock = new ReentrantLock();
    private final CompletableFuture<Void> iceDone = new CompletableFuture<>();
    private final ScheduledExecutorService consentTimer = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "atrium-peer-consent", false));
    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong packetsReceived = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong srtpErrors = new AtomicLong();
    private final AtomicLong droppedDatagrams = new AtomicLong();

    private volatile InetSocketAddress remote;
    private volatile ConnectivityChecks checks;
    private volatile DtlsEndpoint dtls;
    private volatile SrtpProfile profile;
    private volatile SrtpContext inbound;
    private SrtpContext outbound;
    private volatile Thread receiver;

    /**
     * @param socket      a bound socket the peer takes over (and closes)
     * @param local       our ICE credentials, as put in the offer
     * @param certificate our DTLS certificate, whose fingerprint is in the offer (may be shared by peers)
     * @param settings    timers
     * @param listener    decrypted media
     */
    public ClientPeer(DatagramSocket socket, IceCredentials local, DtlsCertificate certificate, PeerSettings settings,
                      MediaListener listener) {
        this(Objects.requireNonNull(socket, "socket"), new SocketTransport(socket), local, certificate, settings,
                listener);
        if (!socket.isBound() || socket.isClosed()) {
            throw new PeerException("the peer needs a bound, open socket");
        }
    }

    /**
     * A peer on a transport that the caller reads: it passes every datagram to {@link #receive}. Otherwise as
     * {@link #ClientPeer(DatagramSocket, IceCredentials, DtlsCertificate, PeerSettings, MediaListener)}.
     */
    public ClientPeer(DatagramTransport transport, IceCredentials local, DtlsCertificate certificate,
                      PeerSettings settings, MediaListener listener) {
        this(null, Objects.requireNonNull(transport, "transport"), local, certificate, settings, listener);
    }

    private ClientPeer(DatagramSocket socket, DatagramTransport transport, IceCredentials local,
                       DtlsCertificate certificate, PeerSettings settings, MediaListener listener) {
        this.socket = socket;
        this.transport = transport;
        this.local = Objects.requireNonNull(local, "local");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** A peer on a new socket bound to 127.0.0.1 on an ephemeral port, with generated ICE credentials. */
    public static ClientPeer open(DtlsCertificate certificate, MediaListener listener) {
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new ClientPeer(socket, IceCredentials.generate(RANDOM), certificate, PeerSettings.defaults(),
                    listener);
        } catch (SocketException e) {
            throw new PeerException("cannot bind a UDP socket on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /**
     * Connects to the server: ICE checks every {@link PeerSettings#checkInterval()} until an authenticated
     * success response, then the DTLS client handshake, then SRTP; all within {@code timeout}.
     *
     * @throws PeerException if ICE got no valid response in time, or DTLS failed (the cause says why); the
     *                       peer is then closed. Also if the peer was already connected or closed.
     */
    public void connect(RemoteDescription description, Duration timeout) {
        connect(description, IceRole.CONTROLLING, timeout);
    }

    /**
     * Connects as {@link #connect(RemoteDescription, Duration)} does, starting ICE in {@code role}: controlling
     * toward an ICE-lite server or as the offerer toward a full agent; controlled as the answerer toward a full
     * agent (e.g. Janus, whose offer we answered). Role conflicts are resolved by RFC 8445 section 7.3.1.1 and
     * may switch the role; controlled, ICE completes when a check succeeded and the remote agent nominated the
     * pair. The peer stays the DTLS client either way (answer with {@code a=setup:active}).
     */
    public void connect(RemoteDescription description, IceRole role, Duration timeout) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(role, "role");
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!state.compareAndSet(PeerState.NEW, PeerState.CHECKING)) {
            throw new PeerException("connect() may be called once, on a NEW peer; state is " + state.get());
        }
        remote = description.candidate();
        checks = new ConnectivityChecks(local, description.iceUfrag(), description.icePassword(), remote, RANDOM,
                role);
        if (socket != null) {
            receiver = daemon(this::receiveLoop, "atrium-peer-receive", true);
        }
        try {
            runIce(deadline, timeout);
            state.compareAndSet(PeerState.CHECKING, PeerState.HANDSHAKING);
            SrtpKeyingMaterial keys = runDtls(description.dtlsFingerprint(), deadline);
            SrtpContexts contexts = SrtpContexts.forClient(keys.profile(), keys.material());
            sendLock.lock();
            try {
                outbound = contexts.outbound();
            } finally {
                sendLock.unlock();
            }
            inbound = contexts.inbound();
            profile = keys.profile();
            if (!state.compareAndSet(PeerState.HANDSHAKING, PeerState.CONNECTED)) {
                throw new PeerException("peer was closed while connecting");
            }
            scheduleConsent();
        } catch (RuntimeException e) {
            state.set(PeerState.FAILED);
            close();
            throw e;
        }
    }

    private void runIce(long deadline, Duration timeout) {
        byte[] request = new byte[ConnectivityChecks.BUFFER_LENGTH];
        int length = checks.writeRequest(request, true);
        int switches = checks.roleSwitches();
        long interval = settings.checkInterval().toNanos();
        while (true) {
            if (checks.roleSwitches() != switches) {
                // a role conflict switched our role: the next check carries the new role attribute
                switches = checks.roleSwitches();
                length = checks.writeRequest(request, true);
            }
            sendDatagram(request, 0, length);
            long wait = Math.min(interval, deadline - System.nanoTime());
            try {
                iceDone.get(Math.max(wait, 0), TimeUnit.NANOSECONDS);
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() - deadline >= 0) {
                    int error = checks.lastErrorCode();
                    throw new PeerException("ICE connectivity checks to " + remote + " timed out after "
                            + timeout.toMillis() + " ms without " + (checks.role() == IceRole.CONTROLLED
                            ? "an authenticated success response and a nomination by the remote agent"
                            : "an authenticated success response")
                            + (error < 0 ? "" : "; the server answered with error " + error
                            + (error == 401 ? " (Unauthorized: wrong ICE ufrag or password?)" : "")));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PeerException("interrupted while connecting", e);
            } catch (ExecutionException e) {
                throw new PeerException("peer closed while running ICE checks", e.getCause());
            }
        }
    }

    private SrtpKeyingMaterial runDtls(DtlsFingerprint remoteFingerprint, long deadline) {
        long left = deadline - System.nanoTime();
        Duration handshakeTimeout = Duration.ofNanos(Math.max(left, DtlsSettings.MIN_HANDSHAKE_TIMEOUT.toNanos()));
        DtlsEndpoint endpoint = DtlsEndpoint.create(DtlsRole.CLIENT, certificate, remoteFingerprint,
                settings.dtls().withHandshakeTimeout(handshakeTimeout), this::sendDatagram, new DtlsEvents());
        dtls = endpoint;
        try {
            return endpoint.start(r -> daemon(r, "atrium-peer-dtls", true))
                    .get(handshakeTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new PeerException("DTLS handshake with " + remote + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new PeerException("DTLS handshake with " + remote + " did not finish in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException("interrupted during the DTLS handshake", e);
        }
    }

    /** Protects the RTP packet in place (leave {@link #srtpOverhead()} bytes of room after it) and sends it. */
    public boolean sendRtp(byte[] buf, int off, int len) {
        return sendMedia(buf, off, len, false);
    }

    /** Protects the (compound) RTCP packet in place (leave {@link #srtpOverhead()} bytes of room) and sends it. */
    public boolean sendRtcp(byte[] buf, int off, int len) {
        return sendMedia(buf, off, len, true);
    }

    private boolean sendMedia(byte[] buf, int off, int len, boolean rtcp) {
        Objects.checkFromIndexSize(off, len, buf.length);
        sendLock.lock();
        try {
            SrtpContext context = outbound;
            if (context == null || state.get() != PeerState.CONNECTED) {
                return false;
            }
            int n = rtcp ? context.protectRtcp(buf, off, len) : context.protectRtp(buf, off, len);
            if (n < 0) {
                srtpErrors.incrementAndGet();
                return false;
            }
            transport.send(buf, off, n, remote);
            packetsSent.incrementAndGet();
            bytesSent.addAndGet(n);
            return true;
        } catch (IOException e) {
            droppedDatagrams.incrementAndGet();
            return false;
        } finally {
            sendLock.unlock();
        }
    }

    /** Sends ICE and DTLS datagrams; never throws (a failed send is like a lost datagram). */
    private void sendDatagram(byte[] buf, int off, int len) {
        try {
            transport.send(buf, off, len, remote);
        } catch (IOException e) {
            droppedDatagrams.incrementAndGet();
        }
    }

    private void receiveLoop() {
        byte[] buf = new byte[MAX_DATAGRAM_LENGTH];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        InetSocketAddress from = remote;
        while (!socket.isClosed()) {
            try {
                packet.setLength(buf.length);
                socket.receive(packet);
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                droppedDatagrams.incrementAndGet();
                continue;
            }
            if (packet.getPort() != from.getPort() || !from.getAddress().equals(packet.getAddress())) {
                droppedDatagrams.incrementAndGet();
                continue;
            }
            dispatch(buf, packet.getLength());
        }
    }

    /**
     * Handles one datagram a {@link DatagramTransport} received, held in {@code buf[0..len)} (media is decrypted
     * in place there). One thread at a time per peer; datagrams before {@link #connect} or from any address but
     * the remote candidate are dropped and counted.
     */
    public void receive(byte[] buf, int len, InetSocketAddress from) {
        if (socket != null) {
            throw new IllegalStateException("this peer reads its own socket");
        }
        InetSocketAddress expected = remote;
        if (expected == null || checks == null || !expected.equals(from)) {
            droppedDatagrams.incrementAndGet();
            return;
        }
        dispatch(buf, len);
    }

    private void dispatch(byte[] buf, int len) {
        switch (PacketKind.of(buf, 0, len)) {
            case STUN -> onStun(buf, len);
            case DTLS -> onDtls(buf, len);
            case RTP -> onMedia(buf, len, false);
            case RTCP -> onMedia(buf, len, true);
            default -> droppedDatagrams.incrementAndGet();
        }
    }

    private void onStun(byte[] buf, int len) {
        int n = checks.handle(buf, 0, len, reply);
        if (n > 0) {
            sendDatagram(reply, 0, n);
        }
        if (n != ConnectivityChecks.NOTHING && !iceDone.isDone() && checks.isComplete()) {
            iceDone.complete(null);
        }
    }

    private void onDtls(byte[] buf, int len) {
        DtlsEndpoint endpoint = dtls;
        if (endpoint == null || !endpoint.receive(buf, 0, len)) {
            droppedDatagrams.incrementAndGet();
        }
    }

    private void onMedia(byte[] buf, int len, boolean rtcp) {
        SrtpContext context = inbound;
        if (context == null) {
            droppedDatagrams.incrementAndGet();
            return;
        }
        int n = rtcp ? context.unprotectRtcp(buf, 0, len) : context.unprotectRtp(buf, 0, len);
        if (n < 0) {
            srtpErrors.incrementAndGet();
            return;
        }
        packetsReceived.incrementAndGet();
        bytesReceived.addAndGet(len);
        try {
            if (rtcp) {
                listener.onRtcp(buf, 0, n);
            } else {
                listener.onRtp(buf, 0, n);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "media listener threw", e);
        }
    }

    private void scheduleConsent() {
        long mean = settings.consentInterval().toNanos();
        long delay = (long) (mean * (0.8 + 0.4 * RANDOM.nextDouble()));
        try {
            consentTimer.schedule(this::consentCheck, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // closed meanwhile: no more consent checks
        }
    }

    private void consentCheck() {
        if (state.get() != PeerState.CONNECTED) {
            return;
        }
        if (System.nanoTime() - checks.lastSuccessNanos() >= settings.consentTimeout().toNanos()) {
            // RFC 7675 section 5.1: consent lost, stop sending
            state.compareAndSet(PeerState.CONNECTED, PeerState.FAILED);
            return;
        }
        byte[] request = new byte[ConnectivityChecks.BUFFER_LENGTH];
        sendDatagram(request, 0, checks.writeRequest(request, false));
        scheduleConsent();
    }

    /**
     * Sends DTLS close_notify if connected, stops the consent timer and the receive thread, and closes the
     * socket. Idempotent.
     */
    @Override
    public void close() {
        PeerState previous = state.getAndUpdate(s -> s == PeerState.FAILED ? s : PeerState.CLOSED);
        consentTimer.shutdownNow();
        iceDone.completeExceptionally(new PeerException("peer closed"));
        DtlsEndpoint endpoint = dtls;
        if (endpoint != null && previous != PeerState.CLOSED) {
            endpoint.close();
        }
        transport.close();
        Thread thread = receiver;
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Bytes to leave free after a packet given to {@code sendRtp}/{@code sendRtcp}: the negotiated profile's
     * SRTCP trailer (which also covers the SRTP tag), or {@link #MAX_SRTP_OVERHEAD} before connecting.
     */
    public int srtpOverhead() {
        SrtpProfile negotiated = profile;
        return negotiated == null ? MAX_SRTP_OVERHEAD : negotiated.rtcpOverhead();
    }

    /** Current state. */
    public PeerState state() {
        return state.get();
    }

    /** The current ICE role (it may have switched on a role conflict), or null before {@link #connect}. */
    public IceRole iceRole() {
        ConnectivityChecks c = checks;
        return c == null ? null : c.role();
    }

    /** Our ICE credentials, for the offer's {@code a=ice-ufrag}/{@code a=ice-pwd}. */
    public IceCredentials localCredentials() {
        return local;
    }

    /** Our certificate fingerprint, for the offer's {@code a=fingerprint}. */
    public DtlsFingerprint localFingerprint() {
        return certificate.fingerprint();
    }

    /** Our socket address: the host candidate (and the peer-reflexive address the server learns). */
    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    /** The negotiated SRTP profile, or null before the handshake completed. */
    public SrtpProfile srtpProfile() {
        return profile;
    }

    /** SRTP and SRTCP packets sent. */
    public long packetsSent() {
        return packetsSent.get();
    }

    /** Bytes of SRTP and SRTCP sent, as on the wire. */
    public long bytesSent() {
        return bytesSent.get();
    }

    /** SRTP and SRTCP packets received that unprotected successfully. */
    public long packetsReceived() {
        return packetsReceived.get();
    }

    /** Bytes of those packets, as on the wire. */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    /** Packets that failed to protect (outbound) or unprotect (inbound: auth, replay, malformed). */
    public long srtpErrors() {
        return srtpErrors.get();
    }

    /** Datagrams dropped: from another address, unclassifiable, arriving before keys, or failed sends. */
    public long droppedDatagrams() {
        return droppedDatagrams.get();
    }

    /** STUN datagrams dropped as invalid, unauthenticated or for another transaction. */
    public long droppedStun() {
        ConnectivityChecks c = checks;
        return c == null ? 0 : c.dropped();
    }

    private static Thread daemon(Runnable r, String name, boolean start) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        if (start) {
            t.start();
        }
        return t;
    }

    /** The thread-per-peer transport: sends on the socket the receive thread reads. */
    private static final class SocketTransport implements DatagramTransport {
        private final DatagramSocket socket;
        private final DatagramPacket packet = new DatagramPacket(new byte[0], 0);

        SocketTransport(DatagramSocket socket) {
            this.socket = socket;
        }

        @Override
        public synchronized void send(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
            packet.setData(buf, off, len);
            packet.setSocketAddress(to);
            socket.send(packet);
        }

        @Override
        public InetSocketAddress localAddress() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    private final class DtlsEvents implements DtlsListener {
        @Override
        public void onClosed(DtlsCloseReason reason) {
            PeerState next = reason == DtlsCloseReason.FAILED ? PeerState.FAILED : PeerState.CLOSED;
            state.compareAndSet(PeerState.CONNECTED, next);
        }
    }
}
