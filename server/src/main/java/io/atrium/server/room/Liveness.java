package io.atrium.server.room;

import io.atrium.server.auth.AccessToken;
import io.atrium.server.transport.MediaPeer;
import java.util.List;
import java.util.Map;

/**
 * On each tick, per member: a seat whose socket stayed away past {@code rooms.reconnect_grace_seconds}
 * ends; a media connection that finished ICE and DTLS is told to the listeners once
 * ({@link RoomListener#memberConnected}); a member that publishes nothing for
 * {@code rooms.media_timeout_seconds} leaves (a member that only receives, or a phone holding the call, is exempt).
 */
final class Liveness {

    private final RoomContext ctx;
    private final Roster roster;
    private final Seats seats;

    Liveness(RoomContext ctx, Roster roster, Seats seats) {
        this.ctx = ctx;
        this.roster = roster;
        this.seats = seats;
    }

    void observe(long now) {
        for (Member m : List.copyOf(roster.members.values())) {
            if (m.session == null && now - m.disconnectedAtMillis > ctx.config().reconnectGraceSeconds() * 1000L) {
                seats.leave(m, false);
                continue;
            }
            MediaPeer media = m.publisher != null ? m.publisher : m.subscriber;
            if (media != null && media != m.announced && media.isConnected()) {
                m.announced = media;
                AccessToken token = m.token;
                ctx.listeners().fire(l -> l.memberConnected(ctx.id(), m.callId, token));
            }
            if (m.receiveOnly()) {
                continue; // nothing to be silent: the inactivity rule is about published media
            }
            long in = m.line != null ? (m.microphone == null ? 0 : m.microphone.packetsReceived())
                    : m.publisher == null ? 0 : m.publisher.stats().packetsIn();
            if (in != m.lastPacketsIn) {
                m.lastPacketsIn = in;
                m.lastMediaMillis = now;
            } else if (m.line != null && m.line.held()) {
                m.lastMediaMillis = now; // a phone holding the call is silent on purpose
            } else if (m.publisher != null && !m.publisher.isConnected() && !m.publisher.isClosed()) {
                m.lastMediaMillis = now; // ICE and DTLS still being set up: that has its own timeout, rtc.connect_timeout_seconds
            } else if (now - m.lastMediaMillis > ctx.config().mediaTimeoutSeconds() * 1000L) {
                m.notify("member_leave_room", Map.of("member", m.callId, "by_admin", false));
                seats.leave(m, false);
            }
        }
    }
}
