package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import java.util.UUID;

/**
 * What one client connection is to the rooms: not yet authenticated, waiting, authenticated,
 * joined as a member, or watching. Created by the signaling layer per socket; its fields are
 * written only on the room's executor.
 */
public final class Session {

    enum State { NEW, WAITING, AUTHENTICATED, MEMBER, WATCHING }

    final Client client;
    volatile State state = State.NEW;
    volatile UUID room;
    volatile String callId;
    volatile String name;
    volatile UUID user;
    volatile AccessToken token;
    /** For a watcher: extra notifications it asked for with {@code watch_room events}, or null. */
    volatile EventDialect dialect;

    public Session(Client client) {
        this.client = client;
    }
}
