package io.atrium.server.room;

import io.atrium.server.room.Session.Binding;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Who is in a room — joined members, the waiting room, watchers — and the fan-out to them: everyone,
 * everyone but one, the admins; a watcher hears each notification natively and then in the dialect it
 * asked for. Confined to the room's executor.
 */
final class Roster {

    private final UUID id;
    final Map<String, Member> members = new LinkedHashMap<>();
    final Map<String, Session> waiting = new LinkedHashMap<>();
    final Set<Session> watchers = new LinkedHashSet<>();

    Roster(UUID id) {
        this.id = id;
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
        return members.isEmpty() && waiting.isEmpty() && watchers.isEmpty();
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
