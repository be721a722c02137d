-- Contract 001: meetings with a waiting room. A meeting is an n-digit id for one stored room;
-- meeting_guests records the identities that entered its waiting room (they may join when it opens).
create table meetings (
    meeting_id  varchar(18)              primary key,
    room_uuid   uuid                     not null references rooms (uuid),
    created_at  timestamp with time zone not null
);

create table meeting_guests (
    meeting_id  varchar(18)              not null references meetings (meeting_id) on delete cascade,
    identity    varchar(64)              not null,
    expires_at  timestamp with time zone not null,
    primary key (meeting_id, identity)
);

create index meeting_guests_expires_at on meeting_guests (expires_at);
