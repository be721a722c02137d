package io.atrium.server.room;

import java.util.List;

/**
 * Extra notifications in another vocabulary for watchers that ask for it ({@code watch_room} with
 * {@code events: <name>}): given one native notification, the ones to send after it. Registered with
 * {@link RoomService#registerDialect}; implemented by a facade (e.g. the call API's control-center
 * events). Called on the room's executor; must be quick and must not call back into the room.
 */
public interface EventDialect {

    /** One notification: method and params. */
    record Notification(String method, Object params) {
    }

    List<Notification> translate(java.util.UUID room, String method, Object params);
}
