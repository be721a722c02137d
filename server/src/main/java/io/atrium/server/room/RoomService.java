package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.Grants;
import io.atrium.server.auth.TokenService;
import io.atrium.server.auth.TurnCredentials;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.sfu.Shards;
import io.atrium.server.state.StateService;
import io.atrium.server.store.ChatStore;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.UserStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The live rooms of the WebSocket protocol (docs/PROTOCOL.md): resolves which room a call is for and
 * runs every call on that room's serial executor. One {@link LiveRoom} per room with anyone in it, made
 * with a {@link RoomContext} of everything it needs.
 */
public final class RoomService implements Calls, AutoCloseable {

    static final long TICK_MILLIS = 500;

    private final RoomStore rooms;
    private final ChatStore chat;
    private final RoomTokens tokens;
    private final Passwords passwords;
    private final MediaDoor media;
    private final AtriumConfig.Rooms config;
    private final Clock clock;
    private final StateService state;
    private final TurnCredentials turn;
    private final SharedPlayer.Factory players;
    private final StateCalls stateCalls;
    private final JoinClock joinClock = new JoinClock();
    private final Listeners listeners = new Listeners();
    private final Map<UUID, LiveRoom> live = new ConcurrentHashMap<>();
    private final Map<String, EventDialect> dialects = new ConcurrentHashMap<>();
    /** Contract 002's SIP methods, when SIP is on. */
    private volatile SipRooms sip;
    private volatile Elsewhere elsewhere = Elsewhere.NOWHERE;
    private volatile RoomRecorder recorder = RoomRecorder.NONE;
    private final RoomContext.Registry registry = new RoomContext.Registry() {
        @Override
        public void released(UUID room) {
            RoomService.this.released(room);
        }

        @Override
        public void forget(LiveRoom room) {
            room.forgotten = true;
            live.remove(room.id, room);
        }

        @Override
        public CompletableFuture<Integer> endByAdmin(UUID room) {
            return end(room, true);
        }
    };
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "atrium-room");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "atrium-room-timer");
        t.setDaemon(true);
        return t;
    });

    public RoomService(RoomStore rooms, UserStore users, ChatStore chat, TokenService tokens, Shards shards, AtriumConfig config,
                       StateService state, SharedPlayer.Factory players, Clock clock) {
        this.state = state;
        this.players = players;
        this.rooms = rooms;
        this.chat = chat;
        this.clock = clock;
        this.config = config.rooms();
        this.tokens = new RoomTokens(tokens, config.auth().tokenTtlSeconds(), config.auth().maxTokenTtlSeconds());
        this.passwords = new Passwords(users, rooms, this.config, clock);
        this.media = new MediaDoor(shards);
        this.turn = new TurnCredentials(config.turn(), clock);
        this.stateCalls = new StateCalls(this.tokens, this::existingRoom, state);
        listeners.add(joinClock);
        timer.scheduleAtFixedRate(() -> live.values().forEach(r -> r.execute(r::tick)), TICK_MILLIS, TICK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** The server's one password-hashing pool and its rule, also for the web app's sign-in (docs/SECURITY.md, finding 21). */
    public io.atrium.server.auth.PasswordChecks passwordChecks() {
        return passwords.checks();
    }

    /** The server's one check of a user's password, also for the web app's sign-in. */
    public io.atrium.server.auth.UserPasswords userPasswords() {
        return passwords.userPasswords();
    }

    /** The TURN credentials the rooms hand out, also for the WHIP/WHEP edge's Link headers. */
    public TurnCredentials turn() {
        return turn;
    }

    /** The one door into media, also for the WHIP/WHEP edge. */
    public MediaDoor media() {
        return media;
    }

    private LiveRoom open(UUID id) {
        SerialExecutor executor = new SerialExecutor(pool);
        return new LiveRoom(new RoomContext(id, executor, clock, config, tokens, rooms, passwords, chat, media,
                turn, listeners, dialects::get, players, SharedPlayer.Playback.of(state, id, pool, executor), registry, () -> recorder));
    }

    /**
     * Handles one call from a session: runs it on the right room's executor and completes with the
     * result (or an {@link RpcException}).
     */
    @Override
    public CompletableFuture<Object> call(Session session, String method, Params params) {
        if (SipRooms.METHODS.contains(method)) {
            SipRooms bridge = sip;
            return bridge == null ? CompletableFuture.failedFuture(new RpcException(501, "SIP is not configured"))
                    : bridge.call(session, method, params);
        }
        try {
            if (RoomMethods.of(method).need() == Need.STATE) {
                return CompletableFuture.completedFuture(stateCalls.handle(session, method, params));
            }
            UUID room = roomAddressed(session, method, params);
            LiveRoom target = live.computeIfAbsent(room, this::open);
            CompletableFuture<Object> result = new CompletableFuture<>();
            target.execute(() -> {
                if (target.forgotten) { // emptied and dropped after this call picked it: go to the current one
                    call(session, method, params).whenComplete((r, e) -> {
                        if (e != null) {
                            result.completeExceptionally(e);
                        } else {
                            result.complete(r);
                        }
                    });
                    return;
                }
                try {
                    Object r = target.handle(session, method, params);
                    if (r instanceof CompletionStage<?> later) {
                        later.whenComplete((v, e) -> {
                            if (e != null) {
                                result.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                            } else {
                                result.complete(answered(method, session, room, v));
                            }
                        });
                    } else {
                        result.complete(answered(method, session, room, r));
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
            return result;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A call's result on its way back: starts the join clock on authenticate, adds the ICE servers. */
    private Object answered(String method, Session session, UUID room, Object result) {
        if (method.equals("authenticate")) {
            joinClock.authenticated(room, session.binding().callId());
        }
        return withIceServers(method, session, result);
    }

    /**
     * The results of {@code authenticate}, {@code join_room} and {@code subscribe_room} carry
     * {@code ice_servers}: TURN credentials minted for the caller (docs/PROTOCOL.md), when TURN is configured.
     */
    private Object withIceServers(String method, Session session, Object result) {
        if (!(result instanceof Map<?, ?> map) || !RoomMethods.of(method).iceServers()) {
            return result;
        }
        Map<Object, Object> out = new java.util.LinkedHashMap<>(map);
        out.put("ice_servers", turn.iceServers(session.binding().callId()));
        return out;
    }

    /** Hands each join latency (authenticate → media connected, in nanoseconds) to {@code observer}. */
    public void observeJoinLatency(java.util.function.LongConsumer observer) {
        joinClock.observe(observer);
    }

    /** The rooms with a live WebSocket session or member. */
    public int liveRoomCount() {
        return live.size();
    }

    /** Members joined over the WebSocket, watchers and phones (SIP) over every live room; a racy read, for metrics. */
    public int[] memberAndWatcherCounts() {
        int[] out = new int[3];
        for (LiveRoom r : live.values()) {
            int phones = r.phoneCount();
            out[0] += Math.max(0, r.memberCount() - phones);
            out[1] += r.watcherCount();
            out[2] += phones;
        }
        return out;
    }

    /** The socket of {@code session} closed. */
    @Override
    public void closed(Session session) {
        SipRooms bridge = sip;
        if (bridge != null) {
            bridge.closed(session);
        }
        left(session);
    }

    /**
     * The socket of {@code session} leaves the room it is in here (and the shared state it subscribed to),
     * its calls going to another node from now on; it stays what else it is here (a video registration).
     */
    public void left(Session session) {
        state.unsubscribeAll(session);
        UUID room = session.binding().room();
        LiveRoom target = room == null ? null : live.get(room);
        if (target != null) {
            target.execute(() -> {
                if (target.forgotten) {
                    left(session);
                } else {
                    target.closed(session);
                }
            });
        }
    }

    /**
     * The room a call is addressed to: for {@code authenticate} the room it names, for {@code join_room} and
     * {@code watch_room} the room of their token (verified), else the room the socket was admitted to.
     */
    private UUID roomAddressed(Session session, String method, Params params) {
        Optional<UUID> named = named(method, params);
        if (named.isPresent()) {
            SipRooms bridge = sip;
            if (bridge != null && method.equals("join_room")) {
                bridge.joining(tokens.verify(params.required("auth_token", 8192), Optional.empty()), session);
            }
            return named.get();
        }
        UUID room = session.binding().room();
        if (room == null) {
            throw new RpcException(404, "member didn't authenticate");
        }
        return room;
    }

    /**
     * The room a call names: for {@code authenticate} the room in its params, for {@code join_room} and
     * {@code watch_room} the room of their token (verified); empty for every other call, which goes to the
     * room the socket was admitted to. Throws {@link RpcException} for a room that does not exist or a bad token.
     */
    public Optional<UUID> named(String method, Params params) {
        switch (method) {
            case "authenticate" -> {
                return Optional.of(existingRoom(params.required("room")));
            }
            case "join_room", "watch_room" -> {
                return Optional.of(tokenRoom(params));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** The existing room of the call's {@code auth_token} (verified). Throws {@link RpcException}. */
    public UUID tokenRoom(Params params) {
        AccessToken token = tokens.verify(params.required("auth_token", 8192), Optional.empty());
        existingRoom(token.room().toString());
        return token.room();
    }

    /** The rooms with shared state or its subscribers on this node. */
    public java.util.Set<UUID> stateRooms() {
        return state.rooms();
    }

    /** The rooms with a live session or member on this node. */
    public java.util.Set<UUID> liveRooms() {
        return java.util.Set.copyOf(live.keySet());
    }

    /** The room named by {@code value}, or {@code 404 room doesn't exist}. */
    private UUID existingRoom(String value) {
        UUID id;
        try {
            id = UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new RpcException(404, "room doesn't exist");
        }
        if (rooms.find(id).isEmpty()) {
            throw new RpcException(404, "room doesn't exist");
        }
        return id;
    }

    /** The shared state documents and maps of rooms. */
    public StateService state() {
        return state;
    }

    /** Tells the listeners of an event from an edge outside the rooms' executors (WHIP/WHEP sessions). */
    public void publish(RoomEvent event) {
        listeners.fire(l -> l.event(event));
    }

    /** Registers a listener for room events (see {@link RoomListener}). */
    public void addListener(RoomListener listener) {
        listeners.add(listener);
    }

    /**
     * Disconnects a member from the server side, as an admin's {@code remove_member} does; completes
     * with false when nobody with that identity is joined (or only hidden members when {@code visibleOnly}).
     */
    public CompletableFuture<Boolean> removeMember(UUID room, String identity, boolean visibleOnly) {
        LiveRoom target = live.get(room);
        if (target == null) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        target.execute(() -> result.complete(target.removeByServer(identity, visibleOnly)));
        return result;
    }

    /** The identities ({@code call_id}s) of everyone joined to the room now, hidden members included. */
    public CompletableFuture<java.util.Set<String>> present(UUID room) {
        LiveRoom target = live.get(room);
        if (target == null) {
            return CompletableFuture.completedFuture(java.util.Set.of());
        }
        CompletableFuture<java.util.Set<String>> result = new CompletableFuture<>();
        target.execute(() -> result.complete(target.present()));
        return result;
    }

    /** Another node of the cluster is gone: {@link RoomListener#nodeGone}, on the rooms' pool. */
    public void nodeGone(String node) {
        pool.execute(() -> listeners.fire(l -> l.nodeGone(node)));
    }

    /**
     * How long a member, or one side of a call between phones, may send no media before it is ended
     * ({@code rooms.media_timeout_seconds}).
     */
    public long mediaTimeoutMillis() {
        return config.mediaTimeoutSeconds() * 1000L;
    }

    /** How long a room keeps a member whose socket closed ({@code rooms.reconnect_grace_seconds}). */
    public long reconnectGraceMillis() {
        return config.reconnectGraceSeconds() * 1000L;
    }

    /** Whether anyone is joined to the room right now. */
    public boolean isActive(UUID room) {
        LiveRoom target = live.get(room);
        return target != null && target.hasMembers();
    }

    /** Runs {@code task} after {@code delayMillis} on the rooms' timer thread. */
    public void schedule(Runnable task, long delayMillis) {
        timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** A socket admitted to {@code room} was admitted elsewhere: that room drops what it held. */
    private void released(UUID room) {
        LiveRoom target = live.get(room);
        if (target != null) {
            target.execute(() -> {
                if (!target.forgotten) {
                    target.released();
                }
            });
        }
    }

    /** Live room state for REST: the joined members' views, or empty when nobody is in the room. */
    public CompletableFuture<Optional<java.util.List<Member.RoomMember>>> liveMembers(UUID room) {
        LiveRoom target = live.get(room);
        if (target == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<java.util.List<Member.RoomMember>>> result = new CompletableFuture<>();
        target.execute(() -> result.complete(Optional.of(target.views())));
        return result;
    }

    /**
     * Changes a joined member's admin flag and grants live (see {@link LiveRoom#changePermissions});
     * empty when nobody with that identity is joined.
     */
    public CompletableFuture<Optional<Member.RoomMember>> changePermissions(UUID room, String identity, Optional<Boolean> admin,
                                                                           Optional<Grants> grants) {
        return onRoom(room, Optional.empty(), r -> r.changePermissions(identity, admin, grants));
    }

    /**
     * Makes {@code watch_room {events: name}} deliver {@code dialect}'s notifications too. A dialect
     * named like a facade's room owner ({@link io.atrium.server.store.Room#owner}) is the default for
     * watchers of that facade's rooms, and runs its {@link EventDialect#commands} there.
     */
    /** What {@code start_recording} and {@code stop_recording} call (the composition root sets the recording service). */
    public void recorder(RoomRecorder recorder) {
        this.recorder = recorder;
    }

    public void registerDialect(String name, EventDialect dialect) {
        if (name.equals(Admission.NATIVE)) {
            throw new IllegalArgumentException(name + " is the protocol's own vocabulary");
        }
        dialects.put(name, dialect);
    }

    /** The joined, visible members' live state (empty list when nobody is in the room). */
    public CompletableFuture<java.util.List<MemberState>> memberStates(UUID room) {
        return onRoom(room, java.util.List.of(), LiveRoom::states);
    }

    /**
     * Sets or lifts an admin's mute of a member's microphone ({@code audio}) or camera, as
     * {@code mute_member_*} does, but idempotent; completes with the member's state, or with
     * {@link RpcException} {@code no such member in the room}.
     */
    public CompletableFuture<MemberState> setMutedByAdmin(UUID room, String member, boolean audio, boolean mute) {
        LiveRoom target = live.get(room);
        if (target == null) {
            return CompletableFuture.failedFuture(RpcException.noSuchMember());
        }
        return onRoom(room, null, r -> r.setMutedByAdmin(member, audio, mute));
    }

    /** Sends a notification to everyone in the room (members and watchers), e.g. a facade's event. */
    public CompletableFuture<Boolean> announce(UUID room, String method, Object params) {
        return onRoom(room, false, r -> {
            r.announce(method, params);
            return true;
        });
    }

    /** Sends a notification to member {@code callId}'s current socket; completes false when it has none on this node. */
    public CompletableFuture<Boolean> tell(UUID room, String callId, String method, Object params) {
        return onRoom(room, false, r -> r.tell(callId, method, params));
    }

    /**
     * Ends a room: its shared state is cleared (subscribers hear it go), then everyone in it (members,
     * watchers, the waiting room) gets {@code room_ended} and is disconnected and listeners hear
     * {@link RoomListener#roomEnded}; completes with how many members were removed.
     */
    public CompletableFuture<Integer> end(UUID room) {
        return end(room, false);
    }

    /** {@link #end}; {@code byAdmin}: a host in the room ended it ({@code end_room}), told as {@code room_ended {by_admin: true}}. */
    private CompletableFuture<Integer> end(UUID room, boolean byAdmin) {
        state.clear(room);
        return onRoom(room, 0, r -> r.end(byAdmin));
    }

    /**
     * Another node owns {@code room} now (this one missed its heartbeats and its lease was taken): every
     * socket in the room here is closed, and so is every WHIP/WHEP session ({@link RoomListener#roomMoved}), so
     * their clients reconnect and reach the owner (docs/SCALING.md).
     */
    public void evict(UUID room) {
        state.forget(room); // the new owner reads it from where the cluster keeps it
        onRoom(room, null, r -> {
            r.evict("the room moved to another node; reconnect");
            return null;
        });
        listeners.fire(l -> l.roomMoved(room));
    }

    private <T> CompletableFuture<T> onRoom(UUID room, T whenIdle, java.util.function.Function<LiveRoom, T> work) {
        LiveRoom target = live.get(room);
        if (target == null) {
            return CompletableFuture.completedFuture(whenIdle);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        target.execute(() -> {
            try {
                result.complete(work.apply(target));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    // ---- for the SIP bridge (SipRooms): who a socket is, and invitations into rooms ----

    /** Serves contract 002's SIP methods from now on. */
    public void sip(SipRooms bridge) {
        this.sip = bridge;
    }

    /** The other nodes of the cluster, for the SIP bridge's cross-node invites; {@link Elsewhere#NOWHERE} on one node. */
    public Elsewhere elsewhere() {
        return elsewhere;
    }

    /** Set by the cluster when this node is one of many. */
    public void elsewhere(Elsewhere others) {
        this.elsewhere = others;
    }

    /** The room store, for rooms the SIP bridge creates (temporary rooms). */
    public RoomStore store() {
        return rooms;
    }

    /** No room: the per-room failure counter of checks that name none. */
    private static final UUID NO_ROOM = new UUID(0, 0);

    /**
     * The directory user that {@code params} name ({@code username}/{@code password} or
     * {@code device}/{@code device_token}), checked off the rooms by the same rule and per-address limit on
     * failures as {@code authenticate}: wrong credentials {@code 401}, none {@code 400 invalid request: username}.
     */
    public CompletableFuture<io.atrium.server.store.User> identify(Session session, Params params) {
        try {
            if (params.string("username").isEmpty() && params.string("device").isEmpty()) {
                throw RpcException.invalid("username");
            }
            return passwords.check(session.address, NO_ROOM, () -> passwords.identify(params).orElseThrow(), user -> true);
        } catch (RpcException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** What a socket is admitted as in a room: its room, call id, user, name and admin flag. */
    public record Seat(UUID room, String callId, Optional<UUID> user, String name, boolean admin) {
    }

    /**
     * The socket's admission (authenticated, member or watcher) with a token still good for its room;
     * otherwise {@code 404 member didn't authenticate}.
     */
    public Seat seat(Session session) {
        Session.Binding b = session.binding();
        if (b.room() == null || b.token() == null || b.state() == Session.State.NEW || b.state() == Session.State.WAITING) {
            throw new RpcException(404, "member didn't authenticate");
        }
        tokens.check(b.token(), b.room());
        return new Seat(b.room(), b.callId(), Optional.ofNullable(b.user()), b.name(), b.token().admin());
    }

    /** A token minted for someone invited into {@code room} (or its creator): the token and its id. */
    public record Invitation(String token, String id, java.time.Instant expiresAt) {
    }

    /** Mints a participant token for {@code callId} in {@code room}, as {@code authenticate} would. */
    public Invitation invitation(UUID room, String callId, String name, Optional<UUID> user, boolean admin) {
        String token = tokens.mint(room, callId, name, user, admin);
        AccessToken verified = tokens.verify(token, Optional.of(room));
        return new Invitation(token, verified.id(), verified.expiresAt());
    }

    @Override
    public void close() {
        timer.shutdownNow();
        passwords.close();
        pool.shutdownNow();
    }
}
