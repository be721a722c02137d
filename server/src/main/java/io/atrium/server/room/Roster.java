package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import io.atrium.server.room.Session.Binding;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Who is in a room — joined members, the waiting room, watchers, sockets that only authenticated (the
 * lobby) — and the fan-out to them: everyone, everyone but one, the admins (joined, watching or in the
 * lobby); a watcher hears each notification natively and then in the dialect it asked for. Confined
 * to the room's executor.
 */
final class Roster {

    private final UUID id;
    /** Whether a token verified before still holds (unexpired, unrevoked). */
    private final Predicate<AccessToken> valid;
    final Map<String, Member> members = new LinkedHashMap<>();
    final Map<String, Session> waiting = new LinkedHashMap<>();
    final Set<Session> watchers = new LinkedHashSet<>();
    /** Sockets admitted here that have neither joined nor watch: the admins among them hear the waiting room too. */
    final Set<Session> lobby = new LinkedHashSet<>();
    /** Members that are phones (a SIP line), recounted by {@link #recountPhones} whenever a seat changes; read by metrics. */
    private volatile int phones;

    Roster(UUID id) {
        this(id, t -> true);
    }

    Roster(UUID id, Predicate<AccessToken> valid) {
        this.id = id;
        this.valid = valid;
    }

    /** After {@link #members} changed: counts the phones again. */
    void recountPhones() {
        int n = 0;
        for (Member m : members.values()) {
            if (m.line != null) {
                n++;
            }
        }
        phones = n;
    }

    /** Seated phones, readable from any thread (a moment old). */
    int phoneCount() {
        return phones;
    }

    Member member(String callId) {
        return callId == null ? null : members.get(callId);
    }

    /** The member seat {@code s} holds here, or {@code 400 not in a room}. */
    Member seat(Session s, Binding b) {
        Member m = member(b.callId());
        if (b.state() != Session.State.MEMBER || m == null || m.session != s) {
            throw RpcException.notInRoom();
        }
        return m;
    }

    /** The member a moderation call names ({@code member}), or 400. */
    Member target(Params p) {
        String callId = p.string("member").orElseThrow(RpcException::noMember);
        Member m = members.get(callId);
        if (m == null) {
            throw RpcException.noSuchMember();
        }
        return m;
    }

    /** Whether {@code s} (bound as {@code b}) is the waiting entry of its call id here. */
    boolean waits(Session s, Binding b) {
        return b.in(id) && b.state() == Session.State.WAITING && waiting.get(b.callId()) == s;
    }

    /** Ends a waiting entry and tells the admins. */
    void stopWaiting(String callId) {
        waiting.remove(callId);
        toAdmins("member_leave_waiting_room", Map.of("member", callId));
    }

    boolean isEmpty() {
        return members.isEmpty() && waiting.isEmpty() && watchers.isEmpty() && lobby.isEmpty();
    }

    /**
     * Whether a socket so admitted hears the waiting room ({@code member_waiting}, ...): an admin's,
     * authenticated, joined or watching (contract 002: "the members in the room will receive" it).
     */
    boolean hearsWaiting(Binding b) {
        return b.in(id) && b.token() != null && b.token().admin() && (b.state() == Session.State.AUTHENTICATED
                || b.state() == Session.State.MEMBER || b.state() == Session.State.WATCHING);
    }

    /** Every socket in the room: members', watchers, the waiting room and the lobby, once each. */
    Set<Session> sessions() {
        Set<Session> sessions = new LinkedHashSet<>();
        members.values().forEach(m -> {
            if (m.session != null) {
                sessions.add(m.session);
            }
        });
        sessions.addAll(watchers);
        sessions.addAll(waiting.values());
        sessions.addAll(lobby);
        return sessions;
    }

    /** The admins in the lobby (with a token that still holds). */
    List<Session> lobbyAdmins() {
        return lobby.stream().filter(a -> hearsWaiting(a.binding()) && valid.test(a.binding().token())).toList();
    }

    /** {@code member_waiting}'s params for a waiting socket bound as {@code w}. */
    static Map<String, Object> waitingNotice(Binding w) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("member", w.callId());
        params.put("name", w.name());
        if (w.user() != null) {
            params.put("user", w.user().toString());
        }
        return params;
    }

    /** An admin who starts hearing the waiting room learns who is already waiting: one {@code member_waiting} each. */
    void tellWaiting(Session s) {
        if (hearsWaiting(s.binding())) {
            waiting.values().forEach(w -> s.client.notify("member_waiting", waitingNotice(w.binding())));
        }
    }

    /** The visible members (a token's {@code hidden} grant keeps its holder out), but {@code except}. */
    List<Member.RoomMember> views(String except) {
        return members.values().stream().filter(m -> !m.callId.equals(except) && !m.hidden()).map(Member::view).toList();
    }

    List<MemberState> states() {
        return members.values().stream().filter(m -> !m.hidden()).map(Member::state).toList();
    }

    void broadcast(String method, Object params) {
        broadcastExcept(null, method, params);
    }

    void broadcastExcept(Member except, String method, Object params) {
        for (Member m : members.values()) {
            if (m != except) {
                m.notify(method, params);
            }
        }
        watchers.forEach(w -> toWatcher(w, method, params));
    }

    void toAdmins(String method, Object params) {
        for (Member m : members.values()) {
            if (m.admin) {
                m.notify(method, params);
            }
        }
        watchers.stream().filter(w -> w.binding().token() != null && w.binding().token().admin()).forEach(w -> toWatcher(w, method, params));
        lobbyAdmins().forEach(a -> a.client.notify(method, params));
    }

    /** A watcher gets the native notification, then its dialect's translation of it (if it asked for one). */
    void toWatcher(Session w, String method, Object params) {
        w.client.notify(method, params);
        EventDialect dialect = w.binding().dialect();
        if (dialect != null) {
            dialect.translate(id, method, params).forEach(n -> w.client.notify(n.method(), n.params()));
        }
    }
}
