package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one client connection is to the rooms. Created by the signaling layer per socket. Everything
 * the socket was admitted as is one immutable {@link Binding}, replaced whole and only when an
 * admission succeeds (docs/SECURITY.md, finding 1): a refused {@code authenticate} leaves it as it was.
 * A socket is bound to at most one room at a time.
 */
public final class Session {

    enum State { NEW, WAITING, AUTHENTICATED, MEMBER, WATCHING }

    /**
     * The socket's admission: room, state, call id, display name, user, the token it acts with, and
     * (for a watcher) the extra notifications it asked for. {@link #NONE} before any admission.
     */
    record Binding(UUID room, State state, String callId, String name, UUID user, AccessToken token, EventDialect dialect) {
        static final Binding NONE = new Binding(null, State.NEW, null, null, null, null, null);

        Binding withState(State next) {
            return new Binding(room, next, callId, name, user, token, dialect);
        }

        Binding withToken(AccessToken next) {
            return new Binding(room, state, callId, name, user, next, dialect);
        }

        boolean in(UUID id) {
            return id.equals(room);
        }
    }

    final Client client;
    /** The client's network address, for per-address limits (e.g. failed passwords). */
    final String address;
    private final AtomicReference<Binding> binding = new AtomicReference<>(Binding.NONE);
    /** The id of the token last warned about with {@code token_expiring}; written on the room's executor. */
    volatile String expiryWarned;

    /** The phone behind this session (a SIP member), or null for a socket. */
    final PhoneLine line;

    public Session(Client client, String address) {
        this(client, address, null);
    }

    /** A phone's session: it joins with {@code line} for its media (see {@link PhoneLine}). */
    public Session(Client client, String address, PhoneLine line) {
        this.client = client;
        this.address = address == null ? "unknown" : address;
        this.line = line;
    }

    public Session(Client client) {
        this(client, null);
    }

    Binding binding() {
        return binding.get();
    }

    /** Binds the socket after an admission that succeeded; returns what it was bound to before. */
    Binding bind(Binding next) {
        return binding.getAndSet(next);
    }

    /** Replaces the binding only if it is still {@code expected} (a room changing its own members). */
    boolean replace(Binding expected, Binding next) {
        return binding.compareAndSet(expected, next);
    }
}
