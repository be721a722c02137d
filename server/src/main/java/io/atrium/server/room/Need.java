package io.atrium.server.room;

/**
 * What a room method needs of the socket before it runs, checked once before dispatch
 * ({@code LiveRoom.admitted}); each method's need is in {@link RoomMethods}.
 */
enum Need {
    /** Nothing: the methods that admit ({@code authenticate}, {@code join_room}, {@code watch_room}). */
    ENTRY,
    /** Only an access token whose {@code state} grant names what is read; runs off the rooms ({@link StateCalls}). */
    STATE,
    /** The socket's waiting entry here. */
    WAITING,
    /** An admission here (authenticated, member or watcher) with a valid token for the room. */
    SESSION,
    /** A member seat held by this socket. */
    MEMBER,
    /** Admin rights. */
    ADMIN
}
