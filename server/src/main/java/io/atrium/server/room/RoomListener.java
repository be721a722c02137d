package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import java.util.UUID;

/**
 * Room events for the layers above (the compat facades): called on the room's serial executor, so
 * an implementation must be quick and must not call back into the room synchronously.
 */
public interface RoomListener {

    /**
     * A member's media connected: its publishing connection finished ICE and DTLS (for a member that
     * only receives, its receiving connection). Called again after a reconnect on a new connection.
     */
    default void memberConnected(UUID room, String identity, AccessToken token) {
    }

    /** A member left the room: left, removed, timed out, or its socket stayed closed past the grace period. */
    default void memberLeft(UUID room, String identity, AccessToken token) {
    }

    /** The room ended: its last member left (it had at least one), or it was ended by the server. */
    default void roomEnded(UUID room) {
    }

    /**
     * Another node of the cluster is gone (it stopped heartbeating, or stopped): called on exactly one node, the
     * first that saw it, off the rooms' threads, so that what the dead node left is adopted once
     * ({@link Elsewhere#runsHere}). Never on a single node.
     */
    default void nodeGone(String node) {
    }

    /**
     * Another node of the cluster owns {@code room} now (this one missed its heartbeats and its lease was taken):
     * what an edge holds of the room here (its WHIP/WHEP sessions) ends, so that its clients reconnect and reach
     * the owner (docs/SCALING.md). Called off the rooms' threads, right after the closing of the room's sockets here
     * was queued on the room's executor (they may still be closing). Never on a single node.
     */
    default void roomMoved(UUID room) {
    }

    /** Any {@link RoomEvent}, in the order they happened in the room (the webhooks' source). */
    default void event(RoomEvent event) {
    }
}
