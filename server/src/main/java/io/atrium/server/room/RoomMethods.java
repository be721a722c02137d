package io.atrium.server.room;

import io.atrium.server.room.Session.Binding;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every JSON-RPC method of the room protocol (docs/PROTOCOL.md), in one table: name → what it needs
 * ({@link Need}, checked once before dispatch) → whether its result carries {@code ice_servers} → its
 * handler (which collaborator of the room does the work). The WebSocket endpoint accepts exactly these
 * names, the room dispatches by them, and ProtocolDocsTest checks the docs list them.
 */
public final class RoomMethods {

    /** One call, as its handler sees it: the socket, its binding, its seat (for {@link Need#MEMBER}), the params. */
    record Call(String method, Session session, Binding binding, Member member, Params params) {
    }

    @FunctionalInterface
    interface Handler {
        Object handle(LiveRoom room, Call call);
    }

    record Method(String name, Need need, boolean iceServers, Handler handler) {
    }

    private static final Map<String, Method> TABLE = new LinkedHashMap<>();

    static {
        entry("authenticate", Need.ENTRY, true, (r, c) -> r.admission.authenticate(c.session(), c.params()));
        entry("join_room", Need.ENTRY, true, (r, c) -> r.media.join(c.session(), c.params()));
        entry("watch_room", Need.ENTRY, false, (r, c) -> r.admission.watch(c.session(), c.params()));
        entry("subscribe_state", Need.STATE, false, null);
        entry("unsubscribe_state", Need.STATE, false, null);
        entry("still_waiting", Need.WAITING, false, (r, c) -> r.admission.stillWaiting(c.binding()));
        entry("get_room_members", Need.SESSION, false, (r, c) -> r.roster.views(null));
        entry("get_video_state", Need.SESSION, false, (r, c) -> r.video.state());
        entry("get_chat_history", Need.SESSION, false, (r, c) -> r.chat.history(c.params()));
        entry("send_chat_message", Need.SESSION, false, (r, c) -> r.chat.send(c.binding(), c.params()));
        entry("refresh_token", Need.SESSION, false, (r, c) -> r.permissions.refresh(c.session(), c.binding(), c.params()));
        entry("subscribe_room", Need.MEMBER, true, (r, c) -> r.media.subscribe(c.member(), c.params()));
        entry("leave_room", Need.MEMBER, false, (r, c) -> {
            r.seats.leave(c.member(), false);
            return Map.of();
        });
        for (String m : new String[] {"raise_hand", "unraise_hand"}) {
            entry(m, Need.MEMBER, false, (r, c) -> r.moderation.hand(c.member(), c.method()));
        }
        for (String m : new String[] {"start_screen_share", "stop_screen_share"}) {
            entry(m, Need.MEMBER, false, (r, c) -> r.moderation.screenShare(c.member(), c.method()));
        }
        entry("send_reaction", Need.MEMBER, false, (r, c) -> r.moderation.reaction(c.member(), c.params()));
        entry("send_dtmf", Need.MEMBER, false, (r, c) -> r.moderation.dtmf(c.member(), c.params()));
        for (String m : new String[] {"mute_audio", "unmute_audio", "mute_video", "unmute_video"}) {
            entry(m, Need.MEMBER, false, (r, c) -> r.moderation.selfMute(c.member(), c.method()));
        }
        entry("get_waiting_room_members", Need.ADMIN, false, (r, c) -> r.admission.waitingList());
        entry("allow_member", Need.ADMIN, false, (r, c) -> r.admission.decide(c.params(), true));
        entry("reject_member", Need.ADMIN, false, (r, c) -> r.admission.decide(c.params(), false));
        entry("remove_member", Need.ADMIN, false, (r, c) -> r.moderation.remove(c.params()));
        for (String m : new String[] {"mute_member_audio", "unmute_member_audio", "mute_member_video", "unmute_member_video"}) {
            entry(m, Need.ADMIN, false, (r, c) -> r.moderation.adminMute(c.params(), c.method()));
        }
        entry("video_control", Need.ADMIN, false, (r, c) -> r.video.control(c.params()));
        entry("start_recording", Need.ADMIN, false, (r, c) -> r.ctx.recorder().get().start(r.id));
        entry("stop_recording", Need.ADMIN, false, (r, c) -> r.ctx.recorder().get().stop(r.id));
        entry("end_room", Need.ADMIN, false, LiveRoom::endRoom);
        // contract 003's control-center commands, run by the dialect of the facade that owns the room
        for (String m : new String[] {"mute_participant", "unmute_participant", "end_session"}) {
            entry(m, Need.ADMIN, false, LiveRoom::command);
        }
    }

    private RoomMethods() {
    }

    private static void entry(String name, Need need, boolean iceServers, Handler handler) {
        if (TABLE.put(name, new Method(name, need, iceServers, handler)) != null) {
            throw new IllegalStateException("listed twice: " + name);
        }
    }

    /** Every method name, in the table's order. */
    public static Set<String> names() {
        return java.util.Collections.unmodifiableSet(TABLE.keySet());
    }

    /** The method, or {@code -32601 method not found}. */
    static Method of(String name) {
        Method m = TABLE.get(name);
        if (m == null) {
            throw new RpcException(-32601, "method not found");
        }
        return m;
    }
}
