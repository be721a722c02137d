package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import io.atrium.server.room.Session.Binding;
import io.atrium.server.store.Room;
import io.atrium.server.store.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Getting into a room (docs/PROTOCOL.md): {@code authenticate} (seat claims, passwords off the executor,
 * admit or wait or refuse), the waiting room ({@code still_waiting}, the admins' list, allow and reject),
 * and {@code watch_room}. Confined to the room's executor.
 */
final class Admission {

    private final RoomContext ctx;
    private final Roster roster;
    private final Seats seats;
    /** Called when an admission ends without a socket staying here, so an empty room can go. */
    private final Runnable idle;
    /** Authentications whose passwords are being checked off the executor: the room stays until they decide. */
    private int pending;

    Admission(RoomContext ctx, Roster roster, Seats seats, Runnable idle) {
        this.ctx = ctx;
        this.roster = roster;
        this.seats = seats;
        this.idle = idle;
    }

    boolean pending() {
        return pending > 0;
    }

    /**
     * {@code authenticate}: the session is bound (admitted, or waiting) only when the checks pass; a
     * refusal changes nothing. A call id whose seat is taken (or kept for a reconnect) needs proof of
     * being that member: the socket that holds it, or the token the seat was joined with. Passwords are
     * checked off this room's executor (the room keeps answering meanwhile), each attempt counted against
     * the limits on failed passwords per client address and per room before its hash (given back when
     * right); the decision is made back here. An authenticate without a password to check never waits
     * for the hashing pool.
     */
    Object authenticate(Session s, Params p) {
        String callId = p.required("call_id", 128);
        Optional<String> displayName = p.string("display_name", 128);
        Optional<String> roomPassword = p.string("room_password", 1024);
        Optional<String> proof = p.string("auth_token", 8192);
        claimable(s, callId, proof);
        Room room = ctx.rooms().find(ctx.id()).orElseThrow(() -> new RpcException(404, "room doesn't exist"));
        boolean hashes = p.string("username").isPresent() || room.hasPassword() && roomPassword.isPresent();
        if (!hashes) { // nothing to hash (none, a phone's user, a device token): decided here at once
            Credentials c;
            try {
                c = credentials(s, room, p, roomPassword);
            } catch (RpcException e) {
                ctx.passwords().failed(s.address, ctx.id());
                throw e;
            }
            return conclude(s, callId, proof, displayName, room, c);
        }
        // a guess: counted before its hash, given back when every password given was right
        CompletableFuture<Credentials> checked = ctx.passwords().check(s.address, ctx.id(),
                () -> credentials(s, room, p, roomPassword), c -> !(room.hasPassword() && roomPassword.isPresent()) || c.passwordOk());
        pending++;
        return checked.handleAsync((c, error) -> {
            pending--;
            if (error != null) {
                idle.run();
                throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            }
            return conclude(s, callId, proof, displayName, room, c);
        }, ctx.executor());
    }

    /** What the credentials prove: the directory user (if any) and whether the room password is right. */
    private record Credentials(Optional<User> user, boolean passwordOk) {
    }

    /**
     * Checks the user's credentials (wrong ones: 401) and the room's password; hashes when either is a
     * password, so then only through {@link Passwords#check}.
     */
    private Credentials credentials(Session s, Room room, Params p, Optional<String> roomPassword) {
        // a phone proved its user to the SIP stack (digest); a socket proves it here
        Optional<User> user = s.line != null ? Optional.ofNullable(s.line.user()).flatMap(ctx.passwords()::user) : ctx.passwords().identify(p);
        boolean passwordOk = room.hasPassword() && roomPassword.isPresent() && ctx.passwords().roomPassword(ctx.id(), roomPassword.get());
        return new Credentials(user, passwordOk);
    }

    /** Back on the room's executor: admits, puts in the waiting room, or refuses, by the rules of docs/PROTOCOL.md. */
    private Object conclude(Session s, String callId, Optional<String> proof, Optional<String> displayName, Room room,
                            Credentials c) {
        claimable(s, callId, proof); // again: the seat may have been taken meanwhile
        Optional<User> user = c.user();
        String name = displayName.filter(n -> !n.isBlank()).orElseGet(() -> user.map(User::displayName).orElse("Guest"));
        Optional<Room.RoomMember> stored = user.flatMap(u -> room.members().stream().filter(m -> m.userId().equals(u.uuid())).findFirst());
        boolean admin = stored.map(Room.RoomMember::admin).orElse(false);
        UUID userId = user.map(User::uuid).orElse(null);
        if (!admin) {
            if (room.forcePassword() && !c.passwordOk()) {
                throw new RpcException(401, "You'll need the correct password to get in the room");
            }
            boolean admitted = !room.forceWaitingRoom() && (stored.isPresent() || room.open() || c.passwordOk());
            if (!admitted) {
                enterWaiting(s, new Binding(ctx.id(), Session.State.WAITING, callId, name, userId, null, null));
                throw new RpcException(403, "not allowed for this room, waiting to be accpeted");
            }
        }
        String token = ctx.tokens().mint(ctx.id(), callId, name, Optional.ofNullable(userId), admin);
        Binding b = s.binding();
        Member held = roster.member(callId);
        if (!(b.in(ctx.id()) && held != null && held.session == s && b.state() == Session.State.MEMBER)) {
            AccessToken minted = ctx.tokens().verify(token, Optional.of(ctx.id()));
            if (held != null && held.session != s) {
                held.provenJti = minted.id(); // proved with the seat's token: this one may resume it too
            }
            seats.admit(s, new Binding(ctx.id(), Session.State.AUTHENTICATED, callId, name, userId, minted, null));
        } // a member re-authenticating keeps its seat and the token it joined with (refresh_token switches)
        return Map.of("auth_token", token);
    }

    /** Refuses a call id that another socket holds here (joined, kept for a reconnect, or waiting) without proof. */
    private void claimable(Session s, String callId, Optional<String> proof) {
        Member seat = roster.member(callId);
        if (seat != null && seat.session != s && !(proof.isPresent() && ctx.tokens().proves(proof.get(), ctx.id(), seat.token.id()))) {
            throw new RpcException(404, "member already in room");
        }
        Session waiter = roster.waiting.get(callId);
        if (waiter != null && waiter != s) {
            throw new RpcException(404, "member already in room");
        }
    }

    private void enterWaiting(Session s, Binding next) {
        if (!roster.waits(s, s.binding()) && roster.waiting.size() >= ctx.config().maxWaiting()) {
            throw new RpcException(429, "the waiting room is full");
        }
        boolean already = roster.waits(s, s.binding());
        seats.admit(s, next);
        roster.waiting.put(next.callId(), s);
        stillWaiting(next);
        if (!already) {
            ctx.listeners().event(RoomEvent.memberWaiting(ctx.id(), next.callId(), next.name()));
        }
    }

    /** {@code still_waiting}, and a new waiting entry: the admins hear who waits. */
    Object stillWaiting(Binding w) {
        roster.toAdmins("member_waiting", Roster.waitingNotice(w));
        return Map.of();
    }

    /** {@code get_waiting_room_members}. */
    List<Map<String, String>> waitingList() {
        return roster.waiting.values().stream().map(w -> Map.of("member", w.binding().callId(), "name", w.binding().name())).toList();
    }

    /** {@code allow_member} / {@code reject_member}: an admin decides on a waiting member. */
    Object decide(Params p, boolean allow) {
        String callId = p.string("member").orElseThrow(RpcException::noMember);
        AccessToken adminToken = ctx.tokens().verify(p.required("auth_token", 8192), Optional.of(ctx.id()));
        if (!adminToken.admin()) {
            throw RpcException.adminOnly();
        }
        Session w = roster.waiting.get(callId);
        if (w == null) {
            throw RpcException.noSuchMember();
        }
        Binding wb = w.binding();
        roster.waiting.remove(callId);
        if (allow) {
            String token = ctx.tokens().mint(ctx.id(), wb.callId(), wb.name(), Optional.ofNullable(wb.user()), false);
            AccessToken minted = ctx.tokens().verify(token, Optional.of(ctx.id()));
            if (w.change(ctx.id(), Session.State.WAITING, callId, b -> new Binding(ctx.id(), Session.State.AUTHENTICATED,
                    b.callId(), b.name(), b.user(), minted, null))) {
                w.client.notify("member_allowed", Map.of("auth_token", token, "ice_servers", ctx.turn().iceServers(wb.callId())));
            }
            roster.broadcast("member_waiting_allowed", Map.of("member", callId));
            roster.lobbyAdmins().forEach(a -> a.client.notify("member_waiting_allowed", Map.of("member", callId)));
        } else {
            w.change(ctx.id(), Session.State.WAITING, callId, b -> Binding.NONE);
            w.client.notify("member_rejected", Map.of());
            w.client.close("rejected");
            roster.broadcast("member_waiting_rejected", Map.of("member", callId));
            roster.lobbyAdmins().forEach(a -> a.client.notify("member_waiting_rejected", Map.of("member", callId)));
        }
        return Map.of();
    }

    /** {@code watch_room}: notifications without a seat (an admin's control center, a live stream's page). */
    Object watch(Session s, Params p) {
        AccessToken token = ctx.tokens().verify(p.required("auth_token", 8192), Optional.of(ctx.id()));
        if (!token.admin() && !token.grants().subscribe() && !token.grants().data()) {
            throw new RpcException(403, "not allowed to watch"); // e.g. a token that only reads shared state
        }
        EventDialect dialect = dialect(p.string("events", 64));
        seats.admit(s, new Binding(ctx.id(), Session.State.WATCHING, token.identity(), token.name(), token.user().orElse(null), token, dialect));
        roster.watchers.add(s);
        return Map.of("room_id", ctx.id().toString());
    }

    /** {@code watch_room}'s {@code events}: only the native notifications. */
    static final String NATIVE = "native";

    /**
     * The dialect a watcher gets: the one it names in {@code events} ({@value #NATIVE}: none; unknown:
     * {@code 400 invalid request: events}), else the one registered under the room's owner, if any (a
     * facade's vocabulary is the default in its rooms).
     */
    private EventDialect dialect(Optional<String> events) {
        if (events.isPresent()) {
            if (events.get().equals(NATIVE)) {
                return null;
            }
            return Optional.ofNullable(ctx.dialects().apply(events.get())).orElseThrow(() -> RpcException.invalid("events"));
        }
        return owner().map(ctx.dialects()).orElse(null);
    }

    /** The facade that owns this room ({@link Room#owner}), if any. */
    Optional<String> owner() {
        return ctx.rooms().find(ctx.id()).map(Room::owner);
    }
}
