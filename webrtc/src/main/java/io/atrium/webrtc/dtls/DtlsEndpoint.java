package io.atrium.webrtc.dtls;

import io.atrium.webrtc.srtp.SrtpProfile;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One DTLS 1.2 association of a WebRTC peer connection (RFC 6347; RFC 5763 and RFC 8827 section 6.5 for
 * the WebRTC profile; RFC 5764 for DTLS-SRTP), in the server role (an ICE-lite SFU answering with
 * {@code a=setup:passive}) or the client role (test clients, load generator).
 *
 * <p>The endpoint owns no socket. The caller feeds every received DTLS datagram to
 * {@link #receive(byte[], int, int)} (RFC 7983: first byte 20..63) and sends whatever the endpoint
 * hands to its {@link PacketSink}. {@link #start(Executor)} runs the handshake on a thread of the
 * caller's executor, bounded by {@link DtlsSettings#handshakeTimeout()}; the returned future yields
 * the negotiated SRTP profile and keying material, or fails with a {@link DtlsException} (for example
 * when the peer's certificate does not match the SDP fingerprint: alert bad_certificate).
 *
 * <p>After the handshake, datagrams given to {@code receive} are processed right on the calling thread:
 * application data goes to {@link DtlsListener#onApplicationData}, a peer's close_notify or fatal
 * alert to {@link DtlsListener#onClosed}, and handshake retransmissions are answered.
 * {@link #send(byte[], int, int)} encrypts application data from any thread. {@link #close()} sends
 * close_notify (RFC 5246 section 7.2.1).
 */
public final class DtlsEndpoint implements AutoCloseable {

    /** Lifecycle of an endpoint. */
    public enum State {
        /** Created, handshake not started. */
        NEW,
        /** Handshake running. */
        HANDSHAKING,
        /** Handshake done; SRTP keys available, application data flows. */
        CONNECTED,
        /** Closed locally or by the peer's close_notify. */
        CLOSED,
        /** Handshake failed or timed out, or a fatal alert ended the association. */
        FAILED
    }

    /**
     * Smallest first byte of a DTLS datagram (RFC 7983 section 7: 20..63 is DTLS), for callers that
     * demultiplex one port; of that range the endpoint accepts content types 20..23 only.
     */
    public static final int MIN_DTLS_FIRST_BYTE = 20;
    /** Largest first byte of a DTLS datagram (RFC 7983 section 7). */
    public static final int MAX_DTLS_FIRST_BYTE = 63;
    /** A DTLS record header is 13 bytes (RFC 6347 section 4.1); anything shorter is dropped. */
    public static final int RECORD_HEADER_LENGTH = DtlsRecordFilter.RECORD_HEADER_LENGTH;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HandshakeContext handshake;
    private final DtlsListener listener;
    private final QueuedDatagramTransport transport;
    private final ReentrantLock pumpLock = new ReentrantLock();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CompletableFuture<SrtpKeyingMaterial> result = new CompletableFuture<>();
    private final AtomicBoolean closeReported = new AtomicBoolean();
    private final AtomicLong droppedDatagrams = new AtomicLong();

    private volatile DTLSTransport dtls;
    private byte[] applicationBuffer;

    private DtlsEndpoint(DtlsRole role, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
                         DtlsSettings settings, PacketSink sink, DtlsListener listener) {
        this.handshake = new HandshakeContext(Objects.requireNonNull(role, "role"),
                Objects.requireNonNull(certificate, "certificate"),
                Objects.requireNonNull(remoteFingerprint, "remoteFingerprint"),
                Objects.requireNonNull(settings, "settings"), new BcTlsCrypto(RANDOM));
        this.listener = Objects.requireNonNull(listener, "listener");
        this.transport = new QueuedDatagramTransport(Objects.requireNonNull(sink, "sink"), settings.mtu(),
                settings.receiveQueueCapacity());
    }

    /**
     * Creates an endpoint.
     *
     * @param role              {@link DtlsRole#SERVER} for {@code a=setup:passive}, else {@link DtlsRole#CLIENT}
     * @param certificate       our certificate (its fingerprint is in the local SDP)
     * @param remoteFingerprint the {@code a=fingerprint} of the remote SDP; the peer's certificate must match
     * @param sink              where outgoing datagrams go
     * @param listener          application data and close events after the handshake
     */
    public static DtlsEndpoint create(DtlsRole role, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
                                      DtlsSettings settings, PacketSink sink, DtlsListener listener) {
        return new DtlsEndpoint(role, certificate, remoteFingerprint, settings, sink, listener);
    }

    /** Starts the handshake on {@code executor}; the future completes when it succeeds or fails. */
    public CompletableFuture<SrtpKeyingMaterial> start(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        if (!state.compareAndSet(State.NEW, State.HANDSHAKING)) {
            throw new DtlsException("DTLS endpoint already started, state " + state.get());
        }
        transport.deadline(System.nanoTime() + handshake.settings.handshakeTimeout().toNanos());
        try {
            executor.execute(this::runHandshake);
        } catch (RejectedExecutionException e) {
            fail(new DtlsException("executor rejected the DTLS handshake", e));
        }
        return result;
    }

    /** The handshake outcome; the same future {@link #start} returned. */
    public CompletableFuture<SrtpKeyingMaterial> handshake() {
        return result;
    }

    /**
     * Feeds one received datagram. Before the handshake completes it is queued for the handshake thread;
     * afterwards it is processed on this thread. Never throws on bad input: datagrams that are not DTLS
     * (RFC 7983), longer than the receive limit, not a sequence of well-framed DTLS 1.2 records
     * (truncated, trailing bytes, unknown content type or version, epoch above 1, empty, or in an encrypted
     * epoch too short for the AES-GCM explicit nonce and tag), or that arrive when the queue is full or the endpoint is
     * done are dropped and counted. Well-framed records that fail authentication or are replays are
     * discarded by the record layer without a count (RFC 6347 section 4.1.2.7); neither ends the association.
     *
     * @return true if the datagram was accepted for processing
     */
    public boolean receive(byte[] buf, int off, int len) {
        if (len > QueuedDatagramTransport.MAX_DATAGRAM_LENGTH || !DtlsRecordFilter.isWellFramed(buf, off, len)
                || isDone()) {
            droppedDatagrams.incrementAndGet();
            return false;
        }
        if (transport.isPumping()) {
            pump(buf, off, len);
            return true;
        }
        if (!transport.enqueue(buf, off, len)) {
            droppedDatagrams.incrementAndGet();
            return false;
        }
        if (transport.isPumping()) {
            pump(null, 0, 0);
        }
        return true;
    }

    /**
     * Sends application data as one DTLS record.
     *
     * @return false if the association is not established (or no longer)
     * @throws DtlsException if {@code len} exceeds {@link #maxApplicationDataLength()}
     */
    public boolean send(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        DTLSTransport established = dtls;
        if (established == null || state.get() != State.CONNECTED) {
            return false;
        }
        int limit = maxApplicationDataLength();
        if (len > limit) {
            throw new DtlsException("application data of " + len + " bytes exceeds the DTLS record limit " + limit);
        }
        try {
            established.send(buf, off, len);
            return true;
        } catch (IOException e) {
            ended(DtlsCloseReason.FAILED);
            return false;
        }
    }

    /** Largest application data {@link #send} accepts: the MTU minus record overhead; 0 before the handshake. */
    public int maxApplicationDataLength() {
        DTLSTransport established = dtls;
        if (established == null) {
            return 0;
        }
        try {
            return established.getSendLimit();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Closes the association: sends close_notify if established, aborts a running handshake (its future
     * fails), and stops accepting datagrams. Idempotent.
     */
    @Override
    public void close() {
        State previous = state.getAndUpdate(s -> s == State.FAILED ? s : State.CLOSED);
        if (previous == State.CONNECTED) {
            pumpLock.lock();
            try {
                dtls.close();
            } catch (IOException e) {
                // the close_notify could not be sent; the association is closed locally all the same
            } finally {
                pumpLock.unlock();
            }
            reportClosed(DtlsCloseReason.LOCAL_CLOSE);
        } else if (previous == State.NEW || previous == State.HANDSHAKING) {
            transport.close();
            result.completeExceptionally(new DtlsException("DTLS endpoint closed before the handshake completed"));
        }
    }

    /** Current lifecycle state. */
    public State state() {
        return state.get();
    }

    /** The role given at creation. */
    public DtlsRole role() {
        return handshake.role;
    }

    /** The negotiated profile, or null before {@code use_srtp} was negotiated. */
    public SrtpProfile srtpProfile() {
        return handshake.profile();
    }

    /** Datagrams dropped by {@link #receive} so far. */
    public long droppedDatagrams() {
        return droppedDatagrams.get();
    }

    private void runHandshake() {
        try {
            DTLSTransport established = handshake.role == DtlsRole.SERVER
                    ? new DTLSServerProtocol().accept(new DtlsServerPeer(handshake), transport)
                    : new DTLSClientProtocol().connect(new DtlsClientPeer(handshake), transport);
            applicationBuffer = new byte[Math.max(1, established.getReceiveLimit())];
            dtls = established;
            if (!state.compareAndSet(State.HANDSHAKING, State.CONNECTED)) {
                established.close();
                result.completeExceptionally(new DtlsException("DTLS endpoint closed during the handshake"));
                return;
            }
            // complete first so the caller can set up SRTP and SCTP before any application data is delivered;
            // datagrams arriving meanwhile wait in the queue and are pumped right after
            result.complete(handshake.keyingMaterial());
            transport.startPumping();
            pump(null, 0, 0);
        } catch (IOException | RuntimeException e) {
            transport.close();
            fail(describe(e));
        }
    }

    /** Processes queued datagrams, then {@code buf} if not null; serialised by the pump lock. */
    private void pump(byte[] buf, int off, int len) {
        DtlsCloseReason ended = null;
        pumpLock.lock();
        try {
            DTLSTransport established = dtls;
            if (established == null || isDone()) {
                return;
            }
            if (buf != null) {
                transport.lend(buf, off, len);
            }
            byte[] out = applicationBuffer;
            while (true) {
                int n = established.receive(out, 0, out.length, 1);
                if (n > 0) {
                    listener.onApplicationData(out, 0, n);
                }
            }
        } catch (InterruptedIOException drained) {
            if (handshake.peerCloseNotify() || transport.isClosed()) {
                ended = handshake.peerCloseNotify() ? DtlsCloseReason.PEER_CLOSE_NOTIFY : DtlsCloseReason.FAILED;
            }
        } catch (IOException | RuntimeException e) {
            ended = DtlsCloseReason.FAILED;
        } finally {
            transport.unlend();
            pumpLock.unlock();
        }
        if (ended != null) {
            ended(ended);
        }
    }

    private void ended(DtlsCloseReason reason) {
        State target = reason == DtlsCloseReason.FAILED ? State.FAILED : State.CLOSED;
        if (state.compareAndSet(State.CONNECTED, target)) {
            transport.close();
            reportClosed(reason);
        }
    }

    private void reportClosed(DtlsCloseReason reason) {
        if (closeReported.compareAndSet(false, true)) {
            listener.onClosed(reason);
        }
    }

    private void fail(DtlsException error) {
        state.getAndUpdate(s -> s == State.CLOSED ? s : State.FAILED);
        result.completeExceptionally(error);
    }

    private boolean isDone() {
        State s = state.get();
        return s == State.CLOSED || s == State.FAILED;
    }

    private DtlsException describe(Throwable e) {
        String side = handshake.role.name().toLowerCase(Locale.ROOT);
        if (e instanceof TlsFatalAlertReceived received) {
            short alert = received.getAlertDescription();
            return new DtlsException("DTLS " + side + " handshake failed: peer sent alert "
                    + AlertDescription.getText(alert), e, alert, true);
        }
        if (e instanceof TlsFatalAlert raised) {
            short alert = raised.getAlertDescription();
            return new DtlsException("DTLS " + side + " handshake failed: " + AlertDescription.getText(alert)
                    + (raised.getMessage() == null ? "" : " (" + raised.getMessage() + ")"), e, alert, false);
        }
        if (e instanceof TlsTimeoutException) {
            return new DtlsException("DTLS " + side + " handshake timed out after "
                    + handshake.settings.handshakeTimeout().toMillis() + " ms", e);
        }
        return new DtlsException("DTLS " + side + " handshake failed: " + e, e,
                handshake.alertReceived() != DtlsException.NO_ALERT ? handshake.alertReceived() : handshake.alertRaised(),
                handshake.alertReceived() != DtlsException.NO_ALERT);
    }
}
