package io.atrium.webrtc.dtls;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/** Collects what a {@link DtlsEndpoint} reports, for assertions. */
final class RecordingListener implements DtlsListener {

    final BlockingQueue<byte[]> data = new LinkedBlockingQueue<>();
    final CompletableFuture<DtlsCloseReason> closed = new CompletableFuture<>();
    volatile int closeCalls;

    @Override
    public void onApplicationData(byte[] buf, int off, int len) {
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        data.add(copy);
    }

    @Override
    public void onClosed(DtlsCloseReason reason) {
        closeCalls++;
        closed.complete(reason);
    }
}
