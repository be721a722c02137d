package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * What one client connection is to the rooms. Created by the signaling layer per socket. Everything
 * the socket was admitted as is one immutable {@link Binding}, replaced whole and only when an
 * admission succeeds (docs/SECURITY.md, finding 1): a refused {@code authenticate} leaves it as it was.
 * A socket is bound to at most one room at a time. The binding is written only here: {@link #bind} (an
 * admission, by {@code Seats.admit}), {@link #change} and {@link #unbind} (a room changing its own).
 * A member that is not a WebRTC client (e.g. a SIP leg) is a session too, with its own {@link Client}.
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

    /** Where this session's notifications go. */
    /** The client's network address. */
    public String address() {
        return address;
    }

    public Client client() {
        return client;
    }

    Binding binding() {
        return binding.get();
    }

    /** Binds the socket after an admission that succeeded; returns what it was bound to before. */
    Binding bind(Binding next) {
        return binding.getAndSet(next);
    }

    /**
     * A room changing what it admitted: applies {@code change} only while the socket is still
     * {@code callId} in {@code state} in {@code room} (an admission elsewhere meanwhile wins).
     */
    boolean change(UUID room, State state, String callId, UnaryOperator<Binding> change) {
        Binding b = binding.get();
        return b.in(room) && b.state() == state && callId.equals(b.callId()) && binding.compareAndSet(b, change.apply(b));
    }

    /** Makes the socket admitted nowhere, if {@code room} is still what it is admitted to. */
    void unbind(UUID room) {
        Binding b = binding.get();
        if (b.in(room)) {
            binding.compareAndSet(b, Binding.NONE);
        }
    }
}
