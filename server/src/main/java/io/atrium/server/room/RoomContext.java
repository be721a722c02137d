package io.atrium.server.room;

import io.atrium.server.auth.TurnCredentials;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.store.ChatStore;
import io.atrium.server.store.RoomStore;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Function;

/**
 * What a live room and its collaborators need from outside, given once at construction by
 * {@link RoomService} (so no collaborator reaches back into the service): the room's id and serial
 * executor, the one clock, the room settings, tokens, the room store, password checks, chat, the door
 * into media, TURN credentials, the listeners, the watcher dialects, the maker of its shared player and where that
 * keeps its playback, and the registry of live rooms.
 */
record RoomContext(UUID id, SerialExecutor executor, Clock clock, AtriumConfig.Rooms config, RoomTokens tokens,
                   RoomStore rooms, Passwords passwords, ChatStore chat, MediaDoor media, TurnCredentials turn,
                   Listeners listeners, Function<String, EventDialect> dialects, SharedPlayer.Factory players,
                   SharedPlayer.Playback playback, Registry registry, java.util.function.Supplier<RoomRecorder> recorder) {

    /** The live rooms as one room sees them. */
    interface Registry {

        /** A socket admitted to {@code room} was admitted elsewhere: that room drops what it held. */
        void released(UUID room);

        /** The room emptied: later calls make a new one. */
        void forget(LiveRoom room);

        /** A host ended the meeting ({@code end_room}): {@link RoomService#end} with {@code by_admin: true}, queued behind the call. */
        java.util.concurrent.CompletableFuture<Integer> endByAdmin(UUID room);
    }
}
