-- Shared video files (contract 003's video-file endpoints, /v1/rooms/{uuid}/files). The bytes live in
-- the file storage under storage_key (a generated name); file names are sanitized metadata only.
-- Numbered V10 so that it does not collide with migrations of branches not merged yet (V2_1, V3...).
create table video_files (
    uuid              uuid                     primary key,
    room_uuid         uuid                     not null references rooms (uuid) on delete cascade,
    filename          varchar(512)             not null,
    storage_key       varchar(255)             not null,
    size_bytes        bigint                   not null,
    duration_seconds  double precision         not null,
    content_type      varchar(64)              not null,
    uploaded_by       varchar(128)             not null,
    uploaded_at       timestamp with time zone not null,
    constraint video_files_storage_key_key unique (storage_key)
);

create index video_files_room_idx on video_files (room_uuid, uploaded_at);
