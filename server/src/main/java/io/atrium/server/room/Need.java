package io.atrium.server.room;

/**
 * What a room method needs of the socket before it runs, checked once before dispatch
 * ({@code LiveRoom.admitted}): nothing (the methods that admit), a waiting entry, an admission with
 * a valid token for the room, a member seat, or admin rights.
 */
enum Need {
    ENTRY, WAITING, SESSION, MEMBER, ADMIN;

    static Need of(String method) {
        return switch (method) {
            case "authenticate", "join_room", "watch_room" -> ENTRY;
            case "still_waiting" -> WAITING;
            case "get_room_members", "get_video_state", "get_chat_history", "send_chat_message", "refresh_token" -> SESSION;
            case "get_waiting_room_members", "allow_member", "reject_member", "remove_member", "mute_member_audio",
                 "unmute_member_audio", "mute_member_video", "unmute_member_video", "video_control" -> ADMIN;
            default -> MEMBER;
        };
    }
}
