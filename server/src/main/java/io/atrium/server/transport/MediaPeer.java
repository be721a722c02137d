package io.atrium.server.transport;

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
import io.atrium.webrtc.ice.IceState;
import io.atrium.webrtc.srtp.SrtpContexts;
import io.atrium.webrtc.srtp.SrtpProfile;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebRTC peer connection on the shared media socket: ICE-lite, then DTLS (server role, our
 * {@code a=setup:passive}), then SRTP. Inbound datagrams arrive on the media thread, already routed
 * to this peer by {@link MediaTransport}; decrypted RTP and RTCP go to the {@link Listener} on the
 * same thread. {@link #sendRtp}/{@link #sendRtcp} must be called on the media thread too (the SRTP
 * contexts are thread-confined); other threads use {@link #execute}.
 */
public final class MediaPeer implements MediaSink {

    /** Room for the SRTP/SRTCP trailer (tag, SRTCP index) after any packet handed to send. */
    public static final int SRTP_TRAILER = 32;
    private static final Logger log = LoggerFactory.getLogger(MediaPeer.class);

    /** What the peer reports; every call is on the media thread except {@link #onClosed}, which may not be. */
    public interface Listener {
        default void onConnected(MediaPeer peer) {
        }

        void onRtp(MediaPeer peer, byte[] buf, int off, int len);

        void onRtcp(MediaPeer peer, byte[] buf, int off, int len);

        default void onClosed(MediaPeer peer, String reason) {
        }
    }

    private final String id;
    private final PeerOwner owner;
    private final String remoteUfrag;
    private final IceCredentials local;
    private final MediaTransport transport;
    private final IceLiteAgent ice;
    private final DtlsEndpoint dtls;
    private final Executor handshakes;
    private final long createdMillis;
    private final byte[] stunOut = new byte[512];
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Listener listener;
    private final java.util.List<Runnable> closeHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile SrtpContexts srtp;
    private volatile InetSocketAddress remote;
    private boolean dtlsStarted;
    final PeerStats stats = new PeerStats();
    private final DropLog srtpErrorLog = new DropLog("SRTP packets failing authentication or replay checks");

    MediaPeer(String id, PeerOwner owner, IceCredentials local, String remoteUfrag, DtlsFingerprint remoteFingerprint,
              DtlsCertificate certificate, IceLiteConfig iceConfig, MediaTransport transport, Executor handshakes,
              Listener listener) {
        this.id = id;
        this.owner = owner;
        this.remoteUfrag = remoteUfrag;
        this.local = local;
        this.transport = transport;
        this.handshakes = handshakes;
        this.listener = listener;
        this.createdMillis = System.currentTimeMillis();
        this.ice = new IceLiteAgent(local, remoteUfrag, iceConfig, System::currentTimeMillis, new IceLiteListener() {
            @Override
            public void onStateChange(IceState previous, IceState current) {
                if (current == IceState.CONNECTED) {
                    startDtls();
                } else if (current == IceState.FAILED) {
                    close("ICE consent expired");
                }
            }

            @Override
            public void onSelectedAddressChange(InetSocketAddress previous, InetSocketAddress current) {
                log.info("peer={} selected {}{}", id, current, previous == null ? "" : " (was " + previous + ")");
                remote = current;
                transport.bindAddress(current, MediaPeer.this);
            }
        });
        this.dtls = DtlsEndpoint.create(DtlsRole.SERVER, certificate, remoteFingerprint, DtlsSettings.defaults(),
                this::sendDtls, new DtlsListener() {
                    @Override
                    public void onClosed(DtlsCloseReason reason) {
                        close("DTLS closed: " + reason);
                    }
                });
    }

    public String id() {
        return id;
    }

    /** Who asked for this peer. */
    public PeerOwner owner() {
        return owner;
    }

    /** The ICE ufrag of the remote description this peer was made for; a new one means an ICE restart. */
    public String remoteUfrag() {
        return remoteUfrag;
    }

    public IceCredentials localCredentials() {
        return local;
    }

    public boolean isConnected() {
        return srtp != null && !closed.get();
    }

    public boolean isClosed() {
        return closed.get();
    }

    public PeerStats stats() {
        return stats;
    }

    /** Replaces the listener (e.g. when the SFU takes over a peer created by signaling). */
    public void listener(Listener listener) {
        this.listener = listener;
    }

    /** Runs {@code hook} when the peer closes (at once if it already has). */
    public void onClose(Runnable hook) {
        closeHooks.add(hook);
        if (closed.get()) {
            hook.run();
        }
    }

    /** Runs {@code task} on the media thread ({@link MediaSocket#execute}: refused while the server stops). */
    public void execute(Runnable task) {
        transport.socket().execute(task);
    }

    /** Runs a clean-up on the media thread, or after it has ended while the server stops ({@link MediaSocket#cleanUp}). */
    public void cleanUp(Runnable task) {
        transport.socket().cleanUp(task);
    }

    void onStun(byte[] buf, int len, InetSocketAddress from) {
        int n = ice.handle(buf, 0, len, from, stunOut);
        if (n > 0) {
            transport.socket().send(stunOut, 0, n, from);
        }
        if (ice.isValidated(from)) {
            transport.bindAddress(from, this);
        }
    }

    void onDtls(byte[] buf, int len) {
        if (!dtls.receive(buf, 0, len)) {
            stats.dropped++;
        }
    }

    void onSrtp(byte[] buf, int len, InetSocketAddress from) {
        SrtpContexts keys = srtp;
        if (keys == null || len < 12) {
            stats.dropped++;
            return;
        }
        if (isRtcp(buf)) {
            int plain = keys.inbound().unprotectRtcp(buf, 0, len);
            if (plain < 0) {
                stats.srtpErrors++;
                srtpErrorLog.record(remote, plain);
                return;
            }
            stats.rtcpIn++;
            ice.refreshConsent(from); // authenticated: the peer is alive (libnice sends no consent checks)
            Listener l = listener;
            if (l != null) {
                l.onRtcp(this, buf, 0, plain);
            }
        } else {
            int plain = keys.inbound().unprotectRtp(buf, 0, len);
            if (plain < 0) {
                stats.srtpErrors++;
                srtpErrorLog.record(remote, plain);
                return;
            }
            stats.packetsIn++;
            stats.bytesIn += plain;
            ice.refreshConsent(from);
            Listener l = listener;
            if (l != null) {
                l.onRtp(this, buf, 0, plain);
            }
        }
    }

    /** RFC 5761 §4: on a muxed port, RTCP packet types 192..223 show as payload types 64..95. */
    static boolean isRtcp(byte[] buf) {
        int pt = buf[1] & 0x7f;
        return pt >= 64 && pt <= 95;
    }

    /** Encrypts in place ({@code buf} needs {@link #SRTP_TRAILER} spare bytes) and queues the packet. Media thread. */
    public boolean sendRtp(byte[] buf, int off, int len) {
        SrtpContexts keys = srtp;
        InetSocketAddress to = remote;
        if (keys == null || to == null) {
            return false;
        }
        int n = keys.outbound().protectRtp(buf, off, len);
        if (n < 0) {
            stats.srtpErrors++;
            return false;
        }
        stats.packetsOut++;
        stats.bytesOut += len;
        transport.socket().send(buf, off, n, to);
        return true;
    }

    /** As {@link #sendRtp} for an RTCP compound packet. Media thread. */
    public boolean sendRtcp(byte[] buf, int off, int len) {
        SrtpContexts keys = srtp;
        InetSocketAddress to = remote;
        if (keys == null || to == null) {
            return false;
        }
        int n = keys.outbound().protectRtcp(buf, off, len);
        if (n < 0) {
            stats.srtpErrors++;
            return false;
        }
        stats.rtcpOut++;
        transport.socket().send(buf, off, n, to);
        return true;
    }

    /** Periodic check on the media thread: consent freshness and the handshake deadline. */
    void tick(long nowMillis, long connectTimeoutMillis) {
        ice.checkConsent(nowMillis);
        if (srtp == null && nowMillis - createdMillis > connectTimeoutMillis) {
            close("not connected within " + connectTimeoutMillis + " ms");
        }
    }

    private void startDtls() {
        if (dtlsStarted) {
            return;
        }
        dtlsStarted = true;
        dtls.start(handshakes).whenComplete((keys, error) -> {
            if (error != null) {
                transport.counters().dtlsFailures.incrementAndGet();
                close("DTLS handshake failed: " + error.getMessage());
                return;
            }
            transport.socket().offer(() -> connected(keys)); // dropped while the server stops: never connects
        });
    }

    private void connected(SrtpKeyingMaterial keys) {
        if (closed.get()) {
            return;
        }
        srtp = SrtpContexts.forServer(SrtpProfile.fromId(keys.profileId()).orElseThrow(), keys.material());
        log.info("peer={} connected remote={} srtp={}", id, remote, SrtpProfile.fromId(keys.profileId()).orElseThrow());
        Listener l = listener;
        if (l != null) {
            l.onConnected(this);
        }
    }

    private void sendDtls(byte[] buf, int off, int len) {
        InetSocketAddress to = remote;
        if (to != null) {
            transport.socket().send(buf, off, len, to);
            transport.socket().flush();
        }
    }

    /** Closes DTLS (close_notify), forgets the peer, and tells the listener once. Any thread. */
    public void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.info("peer={} closed: {}", id, reason);
        try {
            dtls.close();
        } finally {
            transport.remove(this, remote);
            Listener l = listener;
            if (l != null) {
                l.onClosed(this, reason);
            }
            closeHooks.forEach(Runnable::run);
        }
    }
}
