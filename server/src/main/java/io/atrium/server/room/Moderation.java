package io.atrium.server.room;

import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What members show and what admins do to them: hands, screen shares, reactions, own mutes, an admin's
 * mutes (sticky: the member cannot lift them) and removal. Confined to the room's executor.
 */
final class Moderation {

    private static final Pattern REACTION = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final Pattern DIGITS = Pattern.compile("[0-9*#A-D]{1,32}");

    private final Roster roster;
    private final Seats seats;
    private final Clock clock;

    Moderation(Roster roster, Seats seats, Clock clock) {
        this.roster = roster;
        this.seats = seats;
        this.clock = clock;
    }

    /** {@code raise_hand} / {@code unraise_hand}. */
    Object hand(Member m, String method) {
        m.handRaised = method.equals("raise_hand");
        roster.broadcast("member_" + method, Map.of("member", m.callId));
        return Map.of();
    }

    /** {@code start_screen_share} / {@code stop_screen_share}: the screen track is forwarded only while shared. */
    Object screenShare(Member m, String method) {
        m.screenShare = method.equals("start_screen_share");
        m.screenShareSinceMillis = clock.millis();
        MediaAttachment.applyPause(m);
        roster.broadcast("member_" + method, Map.of("member", m.callId));
        return Map.of();
    }

    /** {@code send_reaction {reaction}}: a short lowercase name, to everyone. */
    Object reaction(Member m, Params p) {
        String reaction = p.required("reaction", 32);
        if (!REACTION.matcher(reaction).matches()) {
            throw RpcException.invalid("reaction");
        }
        roster.broadcast("member_send_reaction", Map.of("member", m.callId, "reaction", reaction));
        return Map.of();
    }

    /**
     * {@code send_dtmf {digits, member?}}: keypad digits to the phones in the room — to {@code member} (a
     * phone) or else to every phone but the sender's — played as RFC 4733 events; everyone is told with
     * {@code member_dtmf}. A phone's own typing arrives here too (its session calls this method).
     */
    Object dtmf(Member m, Params p) {
        String digits = p.required("digits", 32).toUpperCase(java.util.Locale.ROOT);
        if (!DIGITS.matcher(digits).matches()) {
            throw RpcException.invalid("digits");
        }
        Map<String, Object> event = new java.util.LinkedHashMap<>();
        event.put("member", m.callId);
        event.put("digits", digits);
        if (p.string("member").isPresent()) {
            Member to = roster.target(p);
            if (to.line == null) {
                throw new RpcException(400, "member is not a phone");
            }
            to.line.sendDigits(digits);
            event.put("to", to.callId);
        } else {
            for (Member to : roster.members.values()) {
                if (to.line != null && to != m) {
                    to.line.sendDigits(digits);
                }
            }
        }
        roster.broadcast("member_dtmf", event);
        return Map.of();
    }

    /** {@code mute_audio}, {@code unmute_video}...: a member's own mute; an admin's mute cannot be lifted. */
    Object selfMute(Member m, String method) {
        boolean mute = method.startsWith("mute");
        boolean audio = method.endsWith("audio");
        if (!mute && (audio ? m.audioMutedByAdmin : m.videoMutedByAdmin)) {
            throw new RpcException(403, "muted by an admin");
        }
        if (audio) {
            m.audioMuted = mute;
        } else {
            m.videoMuted = mute;
        }
        MediaAttachment.applyPause(m);
        roster.broadcast("member_" + method, Map.of("member", m.callId, "by_admin", false));
        return Map.of();
    }

    /** {@code mute_member_audio}, {@code unmute_member_video}...: strict, a second mute (or a lift of none) is 400. */
    Object adminMute(Params p, String method) {
        Member m = roster.target(p);
        boolean mute = method.startsWith("mute");
        boolean audio = method.endsWith("audio");
        boolean byAdmin = audio ? m.audioMutedByAdmin : m.videoMutedByAdmin;
        if (mute && byAdmin) {
            throw new RpcException(400, "member is already muted by an admin");
        }
        if (!mute && !byAdmin) {
            throw new RpcException(400, "member is not muted by an admin");
        }
        applyAdminMute(m, mute, audio);
        return Map.of();
    }

    /**
     * An admin's mute from outside the protocol (a facade's REST call): idempotent — muting a member
     * an admin already muted, or lifting a mute no admin set, changes nothing. The member's state after.
     */
    MemberState setMutedByAdmin(String callId, boolean audio, boolean mute) {
        Member m = roster.members.get(callId);
        if (m == null) {
            throw RpcException.noSuchMember();
        }
        if (mute != (audio ? m.audioMutedByAdmin : m.videoMutedByAdmin)) {
            applyAdminMute(m, mute, audio);
        }
        return m.state();
    }

    private void applyAdminMute(Member m, boolean mute, boolean audio) {
        if (audio) {
            m.audioMuted = mute;
            m.audioMutedByAdmin = mute;
        } else {
            m.videoMuted = mute;
            m.videoMutedByAdmin = mute;
        }
        MediaAttachment.applyPause(m);
        String event = "member_" + (mute ? "mute_" : "unmute_") + (audio ? "audio" : "video");
        roster.broadcast(event, Map.of("member", m.callId, "by_admin", true));
    }

    /** {@code remove_member {member}}. */
    Object remove(Params p) {
        seats.remove(roster.target(p));
        return Map.of();
    }

    /** The server disconnects a member as an admin would; false when nobody (visible, if asked) has that identity. */
    boolean removeByServer(String callId, boolean visibleOnly) {
        Member m = roster.members.get(callId);
        if (m == null || visibleOnly && m.hidden()) {
            return false;
        }
        seats.remove(m);
        return true;
    }
}
