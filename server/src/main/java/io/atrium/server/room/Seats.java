package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import io.atrium.server.room.Session.Binding;
import io.atrium.server.transport.MediaPeer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who holds what in one room, changed in one place: admitting a socket (and releasing whatever it held
 * before, in any room), taking a seat, leaving, removal, a socket closing, dropping ghosts, the room's
 * end. Every change of a {@link Session.Binding} by the room goes through here. Confined to the room's executor.
 */
final class Seats {

    private final RoomContext ctx;
    private final Roster roster;
    private final ActiveSpeakerObserver speaker;
    /** Whether anyone joined since the room last ended: only then does it "end" when it empties. */
    private boolean hadMembers;
    private volatile boolean occupied;

    Seats(RoomContext ctx, Roster roster, ActiveSpeakerObserver speaker) {
        this.ctx = ctx;
        this.roster = roster;
        this.speaker = speaker;
    }

    /**
     * Binds {@code s} after an admission here succeeded. What it held before is released completely:
     * another room's membership (on that room's executor), or here a seat, waiting entry or watch it no
     * longer holds. So one socket is at most one member, waiting member or watcher, in one room.
     */
    void admit(Session s, Binding next) {
        Binding prev = s.bind(next);
        if (next.state() == Session.State.AUTHENTICATED) {
            roster.lobby.add(s);
        } else {
            roster.lobby.remove(s);
        }
        if (!roster.hearsWaiting(prev) && roster.hearsWaiting(next) && !roster.waiting.isEmpty()) {
            ctx.executor().execute(() -> roster.tellWaiting(s)); // after the answer of the call that admitted it
        }
        if (prev.room() == null) {
            return;
        }
        if (!prev.in(ctx.id())) {
            ctx.registry().released(prev.room());
            return;
        }
        if (roster.waits(s, prev) && !(next.state() == Session.State.WAITING && next.callId().equals(prev.callId()))) {
            roster.stopWaiting(prev.callId());
        }
        if (next.state() != Session.State.WATCHING) {
            roster.watchers.remove(s);
        }
        Member held = roster.member(prev.callId());
        if (held != null && held.session == s && !(next.state() == Session.State.MEMBER && next.callId().equals(held.callId))) {
            held.session = null;
            leave(held, false);
        }
    }

    /** Seats {@code s} as {@code m}: a socket that held it before is told and closed; the binding changes last. */
    void takeSeat(Session s, Member m, AccessToken token) {
        if (m.session != null && m.session != s) {
            Session replaced = m.session;
            m.session = null;
            replaced.change(ctx.id(), Session.State.MEMBER, m.callId, b -> Binding.NONE);
            replaced.client.close("replaced by a new connection");
        }
        m.token = m.permit(token);
        m.admin = m.token.admin();
        m.disconnectedAtMillis = 0;
        admit(s, new Binding(ctx.id(), Session.State.MEMBER, m.callId, m.name, m.user, m.token, null));
        m.session = s;
        boolean starts = !hadMembers;
        boolean fresh = roster.members.put(m.callId, m) != m;
        roster.recountPhones();
        occupied = hadMembers = true;
        if (starts) {
            ctx.listeners().event(RoomEvent.roomStarted(ctx.id()));
        }
        if (fresh) {
            ctx.listeners().event(RoomEvent.memberJoined(ctx.id(), m.callId, m.name, m.kind()));
        }
    }

    /** The member's seat and media end; its socket (if any) stays admitted, as authenticated. */
    void leave(Member m, boolean byAdmin) {
        roster.members.remove(m.callId);
        roster.recountPhones();
        occupied = !roster.members.isEmpty();
        if (m.session != null) {
            if (m.session.change(ctx.id(), Session.State.MEMBER, m.callId, b -> b.withState(Session.State.AUTHENTICATED))) {
                roster.lobby.add(m.session); // still admitted here
            }
            m.session = null;
        }
        for (MediaPeer peer : new MediaPeer[] {m.publisher, m.subscriber}) {
            if (peer != null) {
                peer.close(byAdmin ? "removed by an admin" : "left the room");
            }
        }
        if (m.line != null) {
            m.line.detach(byAdmin ? "removed by an admin" : "left the room");
        }
        speaker.left(m);
        if (!m.hidden()) {
            roster.broadcast("member_leave_room", Map.of("member", m.callId, "by_admin", byAdmin));
        }
        AccessToken token = m.token;
        ctx.listeners().fire(l -> l.memberLeft(ctx.id(), m.callId, token));
        ctx.listeners().unpublished(ctx.id(), m, List.of());
        ctx.listeners().event(RoomEvent.memberLeft(ctx.id(), m.callId, m.kind()));
    }

    /** An admin's (or the server's) removal: the member hears it, leaves, and its socket is closed. */
    void remove(Member m) {
        Session removed = m.session;
        if (removed != null) {
            removed.client.notify("member_leave_room", Map.of("member", m.callId, "by_admin", true));
        }
        m.session = null;
        leave(m, true);
        if (removed != null) {
            removed.unbind(ctx.id());
            removed.client.close("removed by an admin");
        }
    }

    /**
     * Drops what no socket holds any more: waiting entries, watchers and seats whose socket was admitted
     * elsewhere since (a ghost). Runs when a socket leaves for another room, and on every tick.
     */
    void sweep() {
        for (Map.Entry<String, Session> e : List.copyOf(roster.waiting.entrySet())) {
            Binding b = e.getValue().binding();
            if (!b.in(ctx.id()) || b.state() != Session.State.WAITING || !b.callId().equals(e.getKey())) {
                roster.stopWaiting(e.getKey());
            }
        }
        roster.watchers.removeIf(w -> !w.binding().in(ctx.id()) || w.binding().state() != Session.State.WATCHING);
        roster.lobby.removeIf(w -> !w.binding().in(ctx.id()) || w.binding().state() != Session.State.AUTHENTICATED);
        for (Member m : List.copyOf(roster.members.values())) {
            Binding b = m.session == null ? null : m.session.binding();
            if (b != null && (!b.in(ctx.id()) || b.state() != Session.State.MEMBER || !m.callId.equals(b.callId()))) {
                m.session = null;
                leave(m, false);
            }
        }
    }

    /** The socket of {@code s} closed: a waiting entry or watch ends; a seat is kept for the reconnect grace. */
    void closed(Session s) {
        Binding b = s.binding();
        if (roster.waits(s, b)) {
            roster.stopWaiting(b.callId());
        }
        roster.watchers.remove(s);
        roster.lobby.remove(s);
        for (Member m : roster.members.values()) {
            if (m.session == s) {
                m.session = null;
                m.disconnectedAtMillis = ctx.clock().millis();
            }
        }
        sweep();
    }

    /**
     * Every watcher hears each (visible) member leave ({@code member_leave_room {by_admin: true}}, and its
     * dialect's translation: 003's {@code participant_left}); then everyone here — members, watchers, the
     * waiting room, the lobby — gets {@code room_ended {by_admin}} ({@code byAdmin}: a host in the room ended it
     * with {@code end_room}, not the server or its API) and is disconnected, and the media closes; returns how
     * many members there were.
     */
    int end(boolean byAdmin) {
        int removed = roster.members.size();
        for (Member.RoomMember m : roster.views(null)) {
            roster.watchers.forEach(w -> roster.toWatcher(w, "member_leave_room", Map.of("member", m.id(), "by_admin", true)));
        }
        Set<Session> sessions = roster.sessions();
        for (Member m : roster.members.values()) {
            for (MediaPeer peer : new MediaPeer[] {m.publisher, m.subscriber}) {
                if (peer != null) {
                    peer.close("the room ended");
                }
            }
            if (m.line != null) {
                m.line.detach("the room ended");
            }
            ctx.listeners().unpublished(ctx.id(), m, List.of());
            ctx.listeners().event(RoomEvent.memberLeft(ctx.id(), m.callId, m.kind()));
        }
        roster.members.clear();
        roster.recountPhones();
        roster.watchers.clear();
        roster.waiting.clear();
        roster.lobby.clear();
        occupied = false;
        hadMembers = true;
        Map<String, Object> ended = Map.of("by_admin", byAdmin);
        for (Session s : sessions) {
            if (s.binding().dialect() != null) {
                roster.toWatcher(s, "room_ended", ended); // a control center also hears its dialect's session end
            } else {
                s.client.notify("room_ended", ended);
            }
            s.unbind(ctx.id());
            s.client.close("the room ended");
        }
        return removed;
    }

    /** When the last member left (and one had joined): the room ended, listeners hear it once. */
    void endIfEmpty() {
        if (roster.members.isEmpty() && hadMembers) {
            hadMembers = false;
            ctx.listeners().fire(l -> l.roomEnded(ctx.id()));
            ctx.listeners().event(RoomEvent.roomEnded(ctx.id()));
        }
    }

    /** Whether anyone is joined; read from other threads. */
    boolean occupied() {
        return occupied;
    }
}
