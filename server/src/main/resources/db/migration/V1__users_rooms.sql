-- Atrium schema v1: users and their devices, rooms and their stored members.
-- One set of migrations for H2 (embedded default) and PostgreSQL: portable SQL only.

create table users (
    uuid           uuid                     primary key,
    username       varchar(64)              not null,
    display_name   varchar(128)             not null,
    password_hash  varchar(255)             not null,
    sip_extension  varchar(32),
    created_at     timestamp with time zone not null,
    updated_at     timestamp with time zone not null,
    constraint users_username_key unique (username),
    constraint users_sip_extension_key unique (sip_extension)
);

-- Device tokens are 256-bit random values made by Atrium; they are stored as SHA-256 hex.
create table devices (
    uuid        uuid                     primary key,
    user_uuid   uuid                     not null references users (uuid) on delete cascade,
    name        varchar(128)             not null,
    token_hash  char(64)                 not null,
    created_at  timestamp with time zone not null,
    constraint devices_token_hash_key unique (token_hash),
    constraint devices_user_name_key unique (user_uuid, name)
);

-- Rooms are soft-deleted: deleted_at set, row kept.
create table rooms (
    uuid                uuid                     primary key,
    name                varchar(256)             not null,
    password_hash       varchar(255),
    is_open             boolean                  not null,
    force_password      boolean                  not null,
    force_waiting_room  boolean                  not null,
    created_at          timestamp with time zone not null,
    updated_at          timestamp with time zone not null,
    deleted_at          timestamp with time zone
);

create table room_members (
    uuid       uuid    primary key,
    room_uuid  uuid    not null references rooms (uuid) on delete cascade,
    user_uuid  uuid    not null references users (uuid) on delete cascade,
    admin      boolean not null,
    position   integer not null,
    constraint room_members_room_user_key unique (room_uuid, user_uuid)
);

create index room_members_user_idx on room_members (user_uuid);
