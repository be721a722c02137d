package io.atrium.server.room;

import java.time.Clock;
import java.util.function.BiConsumer;

/**
 * A room's synced player: {@code video_control} and {@code get_video_state} of the method table run here.
 * The rules belong to the contract that defines them (contract 003: compat/calls/SharedVideo), so the room
 * knows them only through this interface; each live room gets its own from the {@link Factory} given to
 * {@link RoomService}. Confined to the room's executor.
 */
public interface SharedPlayer {

    /** What {@code get_video_state} answers. */
    Object state();

    /** Runs {@code video_control} (the caller is an admin, checked by the table); fails with {@link RpcException}. */
    Object control(Params params);

    /** Makes the player of one room, which tells everyone in it through {@code broadcast} (method, params). */
    @FunctionalInterface
    interface Factory {
        SharedPlayer open(BiConsumer<String, Object> broadcast, Clock clock);
    }
}
