package io.atrium.webrtc.dtls;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two endpoints wired by in-memory datagram queues, one delivery thread per direction, standing in for
 * the sockets and the socket threads of a real transport.
 */
final class MemoryLink implements AutoCloseable {

    final DtlsCertificate serverCertificate = DtlsCertificate.generate();
    final DtlsCertificate clientCertificate = DtlsCertificate.generate();
    final RecordingListener serverEvents = new RecordingListener();
    final RecordingListener clientEvents = new RecordingListener();
    final AtomicInteger serverDatagrams = new AtomicInteger();
    final AtomicInteger clientDatagrams = new AtomicInteger();

    private final ExecutorService toServer = Executors.newSingleThreadExecutor(daemon("to-server"));
    private final ExecutorService toClient = Executors.newSingleThreadExecutor(daemon("to-client"));
    final ExecutorService handshakes = Executors.newCachedThreadPool(daemon("dtls-handshake"));

    /** Datagrams from the server for which this returns true are lost on the way. */
    volatile java.util.function.Predicate<byte[]> dropFromServer = datagram -> false;
    /** Datagrams from the client for which this returns true are lost on the way. */
    volatile java.util.function.Predicate<byte[]> dropFromClient = datagram -> false;
    volatile DtlsEndpoint server;
    volatile DtlsEndpoint client;

    /** Creates both endpoints; each expects the other's real fingerprint unless overridden. */
    MemoryLink(DtlsSettings serverSettings, DtlsSettings clientSettings,
               DtlsFingerprint serverExpects, DtlsFingerprint clientExpects) {
        server = DtlsEndpoint.create(DtlsRole.SERVER, serverCertificate,
                serverExpects != null ? serverExpects : clientCertificate.fingerprint(),
                serverSettings, (buf, off, len) -> deliver(toClient, buf, off, len, true), serverEvents);
        client = DtlsEndpoint.create(DtlsRole.CLIENT, clientCertificate,
                clientExpects != null ? clientExpects : serverCertificate.fingerprint(),
                clientSettings, (buf, off, len) -> deliver(toServer, buf, off, len, false), clientEvents);
    }

    MemoryLink(DtlsSettings settings) {
        this(settings, settings, null, null);
    }

    /** Runs both handshakes to completion. */
    MemoryLink connect(java.time.Duration wait) throws Exception {
        java.util.concurrent.CompletableFuture<SrtpKeyingMaterial> serverDone = server.start(handshakes);
        client.start(handshakes).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        serverDone.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The endpoint in {@code role}. */
    DtlsEndpoint endpoint(DtlsRole role) {
        return role == DtlsRole.SERVER ? server : client;
    }

    /** The events of the endpoint in {@code role}. */
    RecordingListener events(DtlsRole role) {
        return role == DtlsRole.SERVER ? serverEvents : clientEvents;
    }

    private void deliver(ExecutorService direction, byte[] buf, int off, int len, boolean fromServer) {
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        (fromServer ? serverDatagrams : clientDatagrams).incrementAndGet();
        if ((fromServer ? dropFromServer : dropFromClient).test(copy)) {
            return;
        }
        if (!direction.isShutdown()) {
            direction.execute(() -> (fromServer ? client : server).receive(copy, 0, copy.length));
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
        client.close();
        toServer.shutdownNow();
        toClient.shutdownNow();
        handshakes.shutdownNow();
        handshakes.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
