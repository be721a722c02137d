-- Sessions of the call API (contracts 003/004): one Atrium room each, with the optional name the
-- caller gave and when the session ended (its room is then soft-deleted).
create table video_call_sessions (
    room_uuid   uuid                     primary key references rooms (uuid) on delete cascade,
    name        varchar(256),
    created_at  timestamp with time zone not null,
    ended_at    timestamp with time zone
);
