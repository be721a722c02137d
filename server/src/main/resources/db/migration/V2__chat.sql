-- Chat messages, kept per room so members who join later read the history.
create table chat_messages (
    uuid        uuid                     primary key,
    room_uuid   uuid                     not null references rooms (uuid) on delete cascade,
    seq         bigint                   not null,
    call_id     varchar(128)             not null,
    user_uuid   uuid,
    name        varchar(128)             not null,
    text        varchar(4000)            not null,
    sent_at     timestamp with time zone not null,
    constraint chat_messages_room_seq_key unique (room_uuid, seq)
);
