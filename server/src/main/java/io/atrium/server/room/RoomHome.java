package io.atrium.server.room;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;

/**
 * Which node a live room lives on (docs/SCALING.md): the base URL of the node that owns {@code room} when
 * it is not this one, placing the room first if nobody owns it. One node: always here.
 */
public interface RoomHome {

    /** One node: every room lives here. */
    RoomHome HERE = room -> Optional.empty();

    /**
     * The owning node's base URL ({@code http(s)://host:port}) when that is another node; empty when it is
     * this one. Throws {@link Unavailable} when the room cannot be placed right now.
     */
    Optional<URI> elsewhere(UUID room);

    /**
     * As {@link #elsewhere}, but a room nobody runs is placed here: for a request that makes the room's state on
     * the node asked (a facade's shared state document). Throws {@link Unavailable}.
     */
    default Optional<URI> here(UUID room) {
        return elsewhere(room);
    }

    /** Where rooms live cannot be told right now (the cluster's Redis is away); the caller may try again. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
