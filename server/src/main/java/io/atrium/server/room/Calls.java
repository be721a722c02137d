package io.atrium.server.room;

import java.util.concurrent.CompletableFuture;

/**
 * Where a WebSocket's calls go: {@link RoomService} runs them on this node; with many nodes the cluster's
 * relay sends those of a room owned elsewhere to its owner (docs/SCALING.md).
 */
public interface Calls {

    /** Runs one call of {@code session}; completes with its result or an {@link RpcException}. */
    CompletableFuture<Object> call(Session session, String method, Params params);

    /** The socket of {@code session} closed. */
    void closed(Session session);
}
