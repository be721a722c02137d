package io.atrium.bench.load;

import io.atrium.webrtc.peer.ClientPeer;

/**
 * A server under test, started by the benchmark as its own process on 127.0.0.1 and stopped by {@link #close}:
 * one room, publishers that offer, subscribers that receive every publisher's tracks on one peer connection.
 */
public interface Sfu extends AutoCloseable {

    /** Short name for the table. */
    String name();

    /** Version and settings, one line for the report. */
    String describe();

    /** The server process, for /proc CPU and memory. */
    long pid();

    /** Creates the room for {@code publishers} publishers. */
    void createRoom(int publishers) throws Exception;

    /** Signals the publisher's offer and connects its peer. */
    void publish(Publisher publisher, ClientPeer peer) throws Exception;

    /**
     * Signals a subscription to all {@code publishers} publishers' audio and, unless {@code layer} is -1, video
     * (with simulcast, layer {@code layer} of {@link MediaProfile#RIDS}: 0 full, 1 half, 2 quarter), and connects
     * the peer.
     */
    void subscribe(int index, ClientPeer peer, int publishers, int layer, MediaProfile media) throws Exception;

    @Override
    void close();
}
