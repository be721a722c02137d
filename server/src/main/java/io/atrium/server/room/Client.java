package io.atrium.server.room;

/**
 * One connected client as the room sees it: where notifications go. Implemented by the WebSocket
 * connection; may be called from any thread.
 */
public interface Client {

    /** Sends {@code {"method", "params"}}. Silently dropped when the connection is gone. */
    void notify(String method, Object params);

    /** Closes the connection (e.g. removed or rejected). */
    void close(String reason);

    /**
     * Closes the connection because the room is not here any more (another node took it over, or the node that ran it
     * is gone; docs/SCALING.md): the client may connect again and reach it where it runs now. As {@link #close} unless
     * the client tells the two apart (a phone: docs/SIP.md, "Why Atrium hangs up").
     */
    default void closeToReconnect(String reason) {
        close(reason);
    }
}
