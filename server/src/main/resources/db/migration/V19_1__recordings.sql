-- Recordings of rooms (docs/RECORDING.md). The per-track files are written under <data_dir>/recordings/<uuid>
-- while state is 'recording'; finishing turns them into video files of the room (video_files, uploaded_by =
-- 'recording:<uuid>'). A server restarted with rows still 'recording' or 'finishing' finishes them.
-- Numbered V19_1 (issue 19) so that it does not collide with migrations of other branches.
create table recordings (
    uuid          uuid                     primary key,
    room_uuid     uuid                     not null references rooms (uuid) on delete cascade,
    state         varchar(16)              not null,
    composite     boolean                  not null,
    started_at    timestamp with time zone not null,
    stopped_at    timestamp with time zone,
    finished_at   timestamp with time zone,
    error         varchar(2048)
);

create index recordings_room_idx on recordings (room_uuid, started_at);

-- A room with record = true is recorded from its first member on (docs/RECORDING.md).
alter table rooms add column record boolean default false not null;
