package io.atrium.server.transport;

import io.atrium.server.config.AtriumConfig;
import io.atrium.webrtc.dtls.DtlsCertificate;
import io.atrium.webrtc.dtls.DtlsFingerprint;
import io.atrium.webrtc.ice.CandidatePriority;
import io.atrium.webrtc.ice.HostCandidate;
import io.atrium.webrtc.ice.IceCredentials;
import io.atrium.webrtc.ice.IceLiteConfig;
import io.atrium.webrtc.stun.StunReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * All peers on one UDP port. Routes each datagram by its first byte (RFC 7983): STUN to the peer
 * named by the USERNAME's local ufrag (or by source address once validated), DTLS and SRTP/SRTCP to
 * the peer whose ICE validated the source address. Unroutable datagrams are dropped and counted.
 */
public final class MediaTransport implements MediaSocket.Receiver, AutoCloseable {

    static final long TICK_MILLIS = 250;

    private final MediaSocket socket;
    private final DtlsCertificate certificate = DtlsCertificate.generate();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, MediaPeer> byUfrag = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, MediaPeer> byAddress = new ConcurrentHashMap<>();
    private final ExecutorService handshakes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "atrium-dtls");
        t.setDaemon(true);
        return t;
    });
    private final StunReader stun = new StunReader();
    private final List<HostCandidate> candidates;
    private final MediaCounters counters = new MediaCounters();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile double testDropRate;

    private final IceLiteConfig ice;
    private final long connectTimeoutMillis;
    private final DropLog unroutableLog = new DropLog("unroutable datagrams");

    /**
     * Local preference of the passive TCP candidates: RFC 6544 section 4.2 makes it
     * {@code 2^13 * direction-pref + other-pref}, where a host passive candidate has direction preference
     * 4 (of 0..7) and other-pref (0..8191) ranks the addresses; every UDP candidate (65535 down) ranks above.
     */
    static final int TCP_LOCAL_PREFERENCE = (1 << 13) * 4 + 8191;

    public MediaTransport(String host, AtriumConfig.Rtc config) {
        this(host, config, config.port());
    }

    /** On {@code port} rather than {@code rtc.port} (one shard of several, {@code io.atrium.server.sfu.Shards}). */
    public MediaTransport(String host, AtriumConfig.Rtc config, int port) {
        long consent = config.consentTimeoutSeconds() * 1000L;
        this.ice = new IceLiteConfig(consent, Math.min(IceLiteConfig.DEFAULT_DISCONNECTED_TIMEOUT_MILLIS, consent));
        this.connectTimeoutMillis = config.connectTimeoutSeconds() * 1000L;
        this.socket = MediaSocket.bind(host, port, this,
                new MediaSocket.TcpRules(config.tcpConnectionsPerAddress(), connectTimeoutMillis));
        this.candidates = candidates(host, socket.localAddress().getPort(), config.announcedAddresses());
        socket.every(TICK_MILLIS, this::tick);
    }

    /** Creates a peer for a remote description's ICE ufrag and DTLS fingerprint, asked for by {@code owner}. */
    public MediaPeer createPeer(String remoteUfrag, DtlsFingerprint remoteFingerprint, MediaPeer.Listener listener, PeerOwner owner) {
        IceCredentials local;
        do {
            local = IceCredentials.generate(random);
        } while (byUfrag.containsKey(local.ufrag()));
        String id = "p-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE); // token-safe (msid, URLs)
        MediaPeer peer = new MediaPeer(id, owner, local, remoteUfrag, remoteFingerprint, certificate, ice, this, handshakes, listener);
        byUfrag.put(local.ufrag(), peer);
        return peer;
    }

    public DtlsFingerprint fingerprint() {
        return certificate.fingerprint();
    }

    /** The host candidates to announce in answers. */
    public List<HostCandidate> candidates() {
        return candidates;
    }

    public MediaSocket socket() {
        return socket;
    }

    public long unroutable() {
        return counters.unroutable;
    }

    /** Process-wide counters for the metrics endpoint. */
    public MediaCounters counters() {
        return counters;
    }

    /** The summed {@link PeerStats} of every peer this transport has had, closed ones included. */
    public PeerStats totals() {
        return counters.totals(byUfrag.values());
    }

    /** Test-only: drop this fraction of incoming SRTP (not SRTCP) packets, to exercise NACK recovery. */
    public void testDropRate(double rate) {
        this.testDropRate = rate;
    }

    @Override
    public void onDatagram(byte[] buf, int len, InetSocketAddress from) {
        int first = buf[0] & 0xff;
        MediaPeer peer = byAddress.get(from);
        if (first < 4) {
            if (peer == null) {
                peer = peerForStun(buf, len);
            }
            if (peer != null) {
                peer.onStun(buf, len, from);
                return;
            }
        } else if (peer != null && first >= 20 && first <= 63) {
            peer.onDtls(buf, len);
            return;
        } else if (peer != null && first >= 128 && first <= 191) {
            if (testDropRate > 0 && !MediaPeer.isRtcp(buf) && random.nextDouble() < testDropRate) {
                return;
            }
            long start = System.nanoTime();
            peer.onSrtp(buf, len, from);
            counters.forwarded(System.nanoTime() - start);
            return;
        }
        counters.unroutable++;
        unroutableLog.record(from, first);
    }

    /** Whether a peer's ICE accepted {@code from} (a binding request with its ufrag and password): its datagrams go there. */
    @Override
    public boolean routes(InetSocketAddress from) {
        return byAddress.containsKey(from);
    }

        private MediaPeer peerForStun(byte[] buf, int len) {
        if (!stun.parse(buf, 0, len)) {
            return null;
        }
        String username = stun.username();
        if (username == null) {
            return null;
        }
        int colon = username.indexOf(':');
        return byUfrag.get(colon < 0 ? username : username.substring(0, colon));
    }

    void bindAddress(InetSocketAddress address, MediaPeer peer) {
        if (address != null && !peer.isClosed()) {
            byAddress.put(address, peer);
        }
    }

    void remove(MediaPeer peer, InetSocketAddress address) {
        synchronized (counters) { // the peer's counters move to the retired totals in one step
            if (byUfrag.remove(peer.localCredentials().ufrag(), peer)) {
                counters.retire(peer.stats());
            }
        }
        byAddress.values().removeIf(p -> p == peer);
    }

    private void tick() {
        long now = System.currentTimeMillis();
        for (MediaPeer peer : byUfrag.values()) {
            peer.tick(now, connectTimeoutMillis);
        }
    }

    /** Every open peer (a live view). */
    public java.util.Collection<MediaPeer> peers() {
        return java.util.Collections.unmodifiableCollection(byUfrag.values());
    }

    public int peerCount() {
        return byUfrag.size();
    }

    /**
     * Closes every peer, then the socket and its media thread. Idempotent: a second call (the server stopping after a
     * test or a failed start closed the media first) does nothing, since the stopped thread takes no more tasks.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (MediaPeer peer : List.copyOf(byUfrag.values())) {
            peer.close("server shutting down");
        }
        socket.flush();
        socket.close();
        handshakes.shutdownNow();
    }

    private static List<HostCandidate> candidates(String host, int port, List<String> announced) {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            if (!announced.isEmpty()) {
                for (String a : announced) {
                    addresses.add(InetAddress.getByName(a));
                }
            } else {
                InetAddress bound = InetAddress.getByName(host);
                if (!bound.isAnyLocalAddress()) {
                    addresses.add(bound);
                } else {
                    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                        if (nic.isUp()) {
                            nic.inetAddresses().filter(a -> a instanceof java.net.Inet4Address).forEach(addresses::add);
                        }
                    }
                }
            }
        } catch (UnknownHostException | SocketException e) {
            throw new TransportException("cannot determine ICE candidate addresses: " + e.getMessage(), e);
        }
        List<HostCandidate> out = new ArrayList<>();
        // the first address ranks highest; RFC 8445 section 5.1.2.1 wants distinct priorities
        for (int i = 0; i < addresses.size(); i++) {
            out.add(new HostCandidate(String.valueOf(i + 1), 1, HostCandidate.Transport.UDP, addresses.get(i), port,
                    CandidatePriority.MAX_LOCAL_PREFERENCE - i));
        }
        // ICE-TCP (RFC 6544): a passive candidate on the same port per address, ranked below every UDP one
        for (int i = 0; i < addresses.size(); i++) {
            out.add(new HostCandidate(String.valueOf(addresses.size() + i + 1), 1, HostCandidate.Transport.TCP, addresses.get(i),
                    port, TCP_LOCAL_PREFERENCE - i));
        }
        return List.copyOf(out);
    }
}
