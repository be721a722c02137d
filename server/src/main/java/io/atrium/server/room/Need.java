package io.atrium.server.room;

/**
 * What a room method needs of the socket before it runs, checked once before dispatch
 * ({@code LiveRoom.admitted}): nothing (the methods that admit), a waiting entry, an admission with
 * a valid token for the room, a member seat, or admin rights. A new method must be listed here;
 * one that is not needs admin rights.
 */
enum Need {
    ENTRY, WAITING, SESSION, MEMBER, ADMIN;

    static Need of(String method) {
        return switch (method) {
            case "authenticate", "join_room", "watch_room" -> ENTRY;
            case "still_waiting" -> WAITING;
            case "get_room_members", "get_video_state", "get_chat_history", "send_chat_message", "refresh_token" -> SESSION;
            case "subscribe_room", "leave_room", "raise_hand", "unraise_hand", "start_screen_share", "stop_screen_share",
                 "send_reaction", "mute_audio", "unmute_audio", "mute_video", "unmute_video" -> MEMBER;
            default -> ADMIN; // the admin methods, and any method not listed here: the strictest by default
        };
    }
}
