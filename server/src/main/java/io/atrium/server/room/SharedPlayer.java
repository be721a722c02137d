package io.atrium.server.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.state.StateService;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * A room's synced player: {@code video_control} and {@code get_video_state} of the method table run here.
 * The rules belong to the contract that defines them (contract 003: compat/calls/SharedVideo), so the room
 * knows them only through this interface; each live room gets its own from the {@link Factory} given to
 * {@link RoomService}. Confined to the room's executor. Its playback is kept in the room's {@link Playback}.
 */
public interface SharedPlayer {

    /** What {@code get_video_state} answers, once the playback is read. */
    CompletionStage<Object> state();

    /**
     * Runs {@code video_control} (the caller is an admin, checked by the table); fails with {@link RpcException}.
     * May answer a {@link CompletionStage}: the call answers once the playback is kept.
     */
    Object control(Params params);

    /** Makes the player of one room, which tells everyone in it through {@code broadcast} (method, params). */
    @FunctionalInterface
    interface Factory {
        SharedPlayer open(BiConsumer<String, Object> broadcast, Clock clock, Playback kept);
    }

    /**
     * Where a room's player keeps its playback, so that it outlives the room's node (docs/SCALING.md): the room's
     * shared state document {@link #DOCUMENT}, which a cluster node also writes to Redis and the node the room
     * is placed on next reads back. It lives as long as the live room: the room deletes it when it is forgotten
     * here, unless it moved to another node. One node: in memory only.
     */
    interface Playback {

        /** The shared state document that holds a room's playback. */
        String DOCUMENT = "shared_video";

        /**
         * The playback kept for the room (empty before any): at once when this node has the room's state in memory,
         * else once it is read from Redis, off the room's executor, completing back on it (the executor never waits
         * on Redis).
         */
        CompletionStage<Optional<JsonNode>> read();

        /**
         * Throws a {@code 503} {@link RpcException} when a stamp written now could not be kept (a cluster's Redis is
         * away, {@link StateService#keepable}): a control asks before it changes anything, so it is refused whole.
         */
        void keepable();

        /**
         * Keeps {@code stamp}; completes once it is kept (at once on one node), or fails with a {@code 503}
         * {@link RpcException} when it could not be (Redis went away since {@link #keepable}: it is kept when Redis
         * is back).
         */
        CompletionStage<Void> write(JsonNode stamp);

        /**
         * The room's live room is gone from this node (it emptied): its playback goes with it (without reading the
         * room's state from Redis when this node has none of it in memory).
         */
        void delete();

        /**
         * The room's playback in {@code state}, for the player confined to {@code executor}; what must be read from
         * Redis is read on {@code pool}.
         */
        static Playback of(StateService state, UUID room, Executor pool, Executor executor) {
            return new Playback() {
                @Override
                public CompletionStage<Optional<JsonNode>> read() {
                    CompletableFuture<Optional<JsonNode>> read = state.documentLater(room, DOCUMENT, pool);
                    if (read.isDone()) {
                        return read;
                    }
                    // back on the executor, asked again: in memory now, where a control run since the read began stamped it
                    return unkept(read).thenComposeAsync(first -> {
                        CompletableFuture<Optional<JsonNode>> now = state.documentLater(room, DOCUMENT, pool);
                        return now.isDone() ? now : unkept(now).thenApplyAsync(playback -> playback, executor);
                    }, executor);
                }

                /** {@code step}, failing with a {@code 503} {@link RpcException} where the state could not be read or kept. */
                private <T> CompletableFuture<T> unkept(CompletableFuture<T> step) {
                    return step.exceptionallyCompose(e -> {
                        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                        return CompletableFuture.failedFuture(cause instanceof StateService.NotKept ? new RpcException(503, cause.getMessage()) : cause);
                    });
                }

                @Override
                public void keepable() {
                    try {
                        state.keepable();
                    } catch (StateService.NotKept e) {
                        throw new RpcException(503, e.getMessage());
                    }
                }

                @Override
                public CompletionStage<Void> write(JsonNode stamp) {
                    state.setDocument(room, DOCUMENT, stamp);
                    return unkept(state.whenKept(room));
                }

                @Override
                public void delete() {
                    state.deleteDocument(room, DOCUMENT);
                }
            };
        }
    }
}
