package io.atrium.server.room;

import io.atrium.server.auth.Grants;
import io.atrium.server.room.RoomMethods.Call;
import io.atrium.server.room.Session.Binding;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * One room with people in it, as small collaborators on the room's one serial executor, each owning its
 * part: {@link Roster} (who is here, fan-out), {@link Seats} (every binding and seat change),
 * {@link Admission} (authenticate, waiting room, watch), {@link MediaAttachment} (join/subscribe through the
 * {@link MediaDoor}), {@link Moderation}, {@link Permissions} (tokens over time), {@link Chat},
 * the {@link SharedPlayer} (contract 003's, made by its facade), and the observers run on each tick ({@link Liveness}, {@link ActiveSpeakerObserver},
 * {@link QualityObserver}). This class dispatches by {@link RoomMethods} and runs the tick.
 */
final class LiveRoom {

    final UUID id;
    final RoomContext ctx;
    final Roster roster;
    final Seats seats;
    final Admission admission;
    final MediaAttachment media;
    final Moderation moderation;
    final Permissions permissions;
    final Chat chat;
    final SharedPlayer video;
    private final Liveness liveness;
    private final ActiveSpeakerObserver speaker;
    private final QualityObserver quality;
    /** Set (on the executor) when the service dropped this room; calls queued behind that go to the current one. */
    boolean forgotten;
    /**
     * Set (on the executor) when another node took the room over ({@link #evict}) until a client enters it here
     * again: what is kept of it (its playback) is the new node's then, and outlives this room.
     */
    private boolean moved;

    LiveRoom(RoomContext ctx) {
        this.id = ctx.id();
        this.ctx = ctx;
        this.roster = new Roster(id, t -> ctx.tokens().problem(t, id).isEmpty());
        this.speaker = new ActiveSpeakerObserver(roster);
        this.seats = new Seats(ctx, roster, speaker);
        this.admission = new Admission(ctx, roster, seats, this::forgetIfIdle);
        this.media = new MediaAttachment(ctx, roster, seats);
        this.moderation = new Moderation(roster, seats, ctx.clock());
        this.permissions = new Permissions(ctx, roster, seats);
        this.chat = new Chat(id, ctx.chat(), roster, ctx.clock());
        this.video = ctx.players().open(roster::broadcast, ctx.clock(), ctx.playback());
        this.liveness = new Liveness(ctx, roster, seats);
        this.quality = new QualityObserver(roster, ctx.executor());
    }

    void execute(Runnable task) {
        ctx.executor().execute(task);
    }

    /**
     * Runs one call. Every method but the admitting ones first passes {@link #admitted}. A result may be
     * a {@link CompletionStage} (work done off the room's executor, such as password hashing).
     */
    Object handle(Session s, String method, Params p) {
        RoomMethods.Method m = RoomMethods.of(method);
        if (m.need() == Need.ENTRY) {
            moved = false; // a client comes to this node for the room: it was placed here again
        }
        Call call = m.need() == Need.ENTRY ? new Call(method, s, s.binding(), null, p) : admitted(s, m, p);
        return m.handler().handle(this, call);
    }

    /**
     * The one check before a method runs: the socket is admitted to this room as the method needs,
     * and (past the waiting room) acts with a token for this room that has not expired or been revoked.
     */
    private Call admitted(Session s, RoomMethods.Method method, Params p) {
        Binding b = s.binding();
        if (!b.in(id)) {
            throw notAuthenticated();
        }
        if (method.need() == Need.WAITING) {
            if (!roster.waits(s, b)) {
                throw notAuthenticated();
            }
            return new Call(method.name(), s, b, null, p);
        }
        if (b.token() == null || b.state() == Session.State.NEW || b.state() == Session.State.WAITING) {
            throw notAuthenticated();
        }
        ctx.tokens().check(b.token(), id);
        Member seat = null;
        if (method.need() == Need.MEMBER) {
            seat = roster.seat(s, b);
        } else if (method.need() == Need.ADMIN && !b.token().admin()) {
            throw RpcException.adminOnly();
        }
        return new Call(method.name(), s, b, seat, p);
    }

    /**
     * A facade's command ({@link EventDialect#commands}), for an admin: run by the dialect of the facade
     * that owns this room (003's in a call session); in another room {@code 404}.
     */
    Object command(Call c) {
        EventDialect dialect = admission.owner().map(ctx.dialects()).orElse(null);
        if (dialect == null || !dialect.commands().contains(c.method())) {
            throw new RpcException(404, "this room has no " + c.method() + " (it is not a call session)");
        }
        return dialect.command(id, c.binding().token(), c.method(), c.params());
    }

    /**
     * {@code end_room}, for an admin: the meeting ends for everyone ({@code room_ended {by_admin: true}}); in a
     * room a facade owns, through that facade's end command (003's {@code end_session}), so its record ends too.
     */
    Object endRoom(Call c) {
        EventDialect dialect = admission.owner().map(ctx.dialects()).orElse(null);
        java.util.concurrent.CompletableFuture<?> ended = dialect != null && dialect.endCommand().isPresent()
                ? dialect.command(id, c.binding().token(), dialect.endCommand().get(), new Params(null))
                : ctx.registry().endByAdmin(id);
        return ended.thenApply(done -> Map.of());
    }

    private static RpcException notAuthenticated() {
        return new RpcException(404, "member didn't authenticate");
    }

    /** Every {@link RoomService#TICK_MILLIS}: ghosts, tokens, reconnect grace, inactivity, audio levels, speaker, quality. */
    void tick() {
        long now = ctx.clock().millis();
        seats.sweep();
        permissions.observe(now);
        liveness.observe(now);
        speaker.observe(now);
        quality.observe(now, ctx.media().router(id));
        forgetIfIdle();
    }

    /** The socket of {@code s} closed: a waiting entry or watch ends; a seat is kept for the reconnect grace. */
    void closed(Session s) {
        seats.closed(s);
        forgetIfIdle();
    }

    /** A socket admitted here was admitted elsewhere: drop what it held. */
    void released() {
        seats.sweep();
        forgetIfIdle();
    }

    void forgetIfIdle() {
        seats.endIfEmpty();
        if (roster.isEmpty() && !admission.pending() && !forgotten) {
            if (!moved) {
                ctx.playback().delete(); // before calls go to a new room: its playback is not this one's
            }
            ctx.registry().forget(this);
        }
    }

    // ---- what the service asks for from outside the protocol (facades, REST, metrics) ----

    /** {@link RoomService#removeMember}: the server disconnects a member as an admin would. */
    boolean removeByServer(String callId, boolean visibleOnly) {
        boolean removed = moderation.removeByServer(callId, visibleOnly);
        if (removed) {
            forgetIfIdle();
        }
        return removed;
    }

    /**
     * Closes every socket in this room (members, watchers, the waiting room, the lobby) with {@code reason},
     * and nothing else: another node owns the room now (docs/SCALING.md), where the clients reconnect; what
     * they held here goes the way of any closed socket.
     */
    void evict(String reason) {
        moved = true;
        roster.sessions().forEach(s -> s.client.closeToReconnect(reason));
    }

    /**
     * {@link RoomService#end}: everyone here gets {@code room_ended {by_admin}} and is disconnected, the
     * media closes, and the room is forgotten (listeners hear {@code roomEnded}).
     */
    int end(boolean byAdmin) {
        int removed = seats.end(byAdmin);
        forgetIfIdle();
        return removed;
    }

    MemberState setMutedByAdmin(String callId, boolean audio, boolean mute) {
        return moderation.setMutedByAdmin(callId, audio, mute);
    }

    Optional<Member.RoomMember> changePermissions(String identity, Optional<Boolean> admin, Optional<Grants> grants) {
        return permissions.change(identity, admin, grants);
    }

    List<MemberState> states() {
        return roster.states();
    }

    List<Member.RoomMember> views() {
        return roster.views(null);
    }

    /** The call ids of everyone joined, hidden members included. */
    java.util.Set<String> present() {
        return java.util.Set.copyOf(roster.members.keySet());
    }

    /** A notification from outside the protocol (a facade's event) to everyone in the room. */
    void announce(String method, Object params) {
        roster.broadcast(method, params);
    }

    /** A notification to member {@code callId}'s socket (after a reconnect, its new one); false when it has none here. */
    boolean tell(String callId, String method, Object params) {
        Member m = roster.member(callId);
        if (m == null || m.session == null) {
            return false;
        }
        m.session.client().notify(method, params);
        return true;
    }

    boolean hasMembers() {
        return seats.occupied();
    }

    /** For metrics, read from another thread (a size may be a moment old). */
    int memberCount() {
        return roster.members.size();
    }

    /** Of {@link #memberCount}, the phones (SIP lines). */
    int phoneCount() {
        return roster.phoneCount();
    }

    int watcherCount() {
        return roster.watchers.size();
    }
}
