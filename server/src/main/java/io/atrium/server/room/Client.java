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
}
