-- File bytes in the database (files.storage: database, the default of a cluster; docs/SCALING.md): shared
-- videos and finished recordings, so that every node serves them and they outlive the node that received them.
-- One row per object (its size), its bytes in chunks of a fixed size (DatabaseFileStorage.CHUNK_BYTES, the
-- last one shorter), written in one transaction. Numbered V20_7 (issue 20) so that it does not collide with
-- migrations of other branches.
create table file_objects (
    storage_key  varchar(64)              primary key,
    size_bytes   bigint                   not null,
    created_at   timestamp with time zone not null
);

create table file_chunks (
    storage_key  varchar(64) not null references file_objects (storage_key) on delete cascade,
    seq          integer     not null,
    bytes        bytea       not null,
    primary key (storage_key, seq)
);
