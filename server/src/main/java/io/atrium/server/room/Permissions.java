package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.Grants;
import io.atrium.server.room.Session.Binding;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens over a socket's life (docs/SECURITY.md, finding 2): {@code refresh_token}, live changes of a
 * member's admin flag and grants, and on every tick expiry and revocation ({@code token_expiring},
 * {@code token_expired}, {@code token_revoked}). Confined to the room's executor.
 */
final class Permissions {

    private final RoomContext ctx;
    private final Roster roster;
    private final Seats seats;

    Permissions(RoomContext ctx, Roster roster, Seats seats) {
        this.ctx = ctx;
        this.roster = roster;
        this.seats = seats;
    }

    /**
     * {@code refresh_token {auth_token}}: the socket goes on with a fresh token of the same identity for
     * this room (before the one it has expires). A member's live permission changes stay in force.
     */
    Object refresh(Session s, Binding b, Params p) {
        AccessToken next = ctx.tokens().verify(p.required("auth_token", 8192), Optional.of(ctx.id()));
        if (!next.identity().equals(b.callId())) {
            throw new RpcException(403, "the token is for another identity");
        }
        Member m = roster.member(b.callId());
        boolean seated = b.state() == Session.State.MEMBER && m != null && m.session == s;
        if (seated && next.grants().hidden() != m.hidden()) {
            throw new RpcException(403, "the token would change the hidden grant");
        }
        AccessToken effective = seated ? m.permit(next) : next;
        if (!s.change(ctx.id(), b.state(), b.callId(), x -> x.withToken(effective))) {
            throw new RpcException(404, "member didn't authenticate");
        }
        s.expiryWarned = null;
        if (seated) {
            m.token = effective;
            m.admin = effective.admin();
            MediaAttachment.enforce(m);
        }
        return Map.of("expires_at", effective.expiresAt().toString());
    }

    /**
     * A live change of a member's admin flag and grants (REST {@code PATCH /v1/rooms/{uuid}/live/{identity}}):
     * from the member's next action on, and its media at once (tracks it may no longer publish stop being
     * forwarded; without the subscribe grant its receiving connection closes). Empty when not joined.
     * A change that takes a right away also revokes every earlier token of the identity in this room
     * (docs/SECURITY.md, finding 15): its other sockets, its HTTP calls and a rejoin with one of them get
     * nothing more; the member goes on with a token of its new rights, sent in {@code permissions_changed}
     * as {@code auth_token} (for a reconnect or {@code refresh_token}).
     */
    Optional<Member.RoomMember> change(String identity, Optional<Boolean> admin, Optional<Grants> grants) {
        Member m = roster.members.get(identity);
        if (m == null) {
            return Optional.empty();
        }
        admin.ifPresent(a -> m.adminOverride = a);
        grants.ifPresent(g -> m.grantsOverride = new Grants(g.publish(), g.subscribe(), g.publishSources(), g.data(),
                m.hidden(), g.state()));
        AccessToken before = m.token;
        AccessToken next = m.permit(before);
        String handedOn = null;
        if (before.admin() && !next.admin() || !before.grants().within(next.grants())) {
            RoomTokens.Replaced replaced = ctx.tokens().replace(next);
            next = replaced.token();
            handedOn = replaced.text();
        }
        m.token = next;
        m.admin = m.token.admin();
        if (m.session != null) {
            m.session.change(ctx.id(), Session.State.MEMBER, m.callId, b -> b.withToken(m.token));
            m.notify("permissions_changed", permissions(m.token, handedOn));
        }
        MediaAttachment.enforce(m);
        return Optional.of(m.view());
    }

    private static Map<String, Object> permissions(AccessToken t, String handedOn) {
        Grants g = t.grants();
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("is_admin", t.admin());
        p.put("grants", Map.of("publish", g.publish(), "subscribe", g.subscribe(),
                "publish_sources", g.publishSources().stream().map(x -> x.name().toLowerCase(Locale.ROOT)).sorted().toList(),
                "data", g.data()));
        if (handedOn != null) {
            p.put("auth_token", handedOn);
            p.put("expires_at", t.expiresAt().toString());
        }
        return p;
    }

    /**
     * Every tick: a socket whose token expired or was revoked ends its membership ({@code token_expired}
     * / {@code token_revoked}, then closed; a member's media stops); one whose token expires within
     * {@code rooms.token_expiry_warning_seconds} hears {@code token_expiring} once per token.
     */
    void observe(long now) {
        for (Member m : List.copyOf(roster.members.values())) {
            if (m.session != null) {
                observe(m.session, m, now);
            } else if (ctx.tokens().problem(m.token, ctx.id()).isPresent()) {
                seats.leave(m, false); // kept for a reconnect it can no longer make
            }
        }
        for (Session w : List.copyOf(roster.watchers)) {
            observe(w, null, now);
        }
        for (Session a : List.copyOf(roster.lobby)) {
            observe(a, null, now);
        }
    }

    private void observe(Session s, Member m, long now) {
        Binding b = s.binding();
        if (!b.in(ctx.id()) || b.token() == null) {
            return;
        }
        Optional<String> problem = ctx.tokens().problem(b.token(), ctx.id());
        if (problem.isPresent()) {
            s.client.notify(problem.get().equals("token revoked") ? "token_revoked" : "token_expired", Map.of());
            if (m != null) {
                seats.leave(m, false);
            }
            roster.watchers.remove(s);
            roster.lobby.remove(s);
            s.unbind(ctx.id());
            s.client.close(problem.get());
            return;
        }
        long left = b.token().expiresAt().toEpochMilli() - now;
        if (left <= ctx.config().tokenExpiryWarningSeconds() * 1000L && !b.token().id().equals(s.expiryWarned)) {
            s.expiryWarned = b.token().id();
            s.client.notify("token_expiring", Map.of("expires_at", b.token().expiresAt().toString(),
                    "seconds_left", Math.max(0, left / 1000)));
        }
    }
}
