-- Contract 000's live streams: one row per stream, its name unique in the whole cluster (two nodes creating
-- one name at once: exactly one insert wins), with what a node needs to take the stream over when the node
-- that ran it died (docs/SCALING.md): its room and its host. Deleted when the stream ends.
create table live_streams (
    name        varchar(128)             primary key,
    room_uuid   uuid                     not null,
    host        varchar(128)             not null,
    created_at  timestamp with time zone not null
);
create unique index live_streams_room on live_streams (room_uuid);
