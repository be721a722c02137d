-- Revoked access tokens (docs/SECURITY.md, finding 2): one token by jti, or every token of an identity
-- in a room issued up to revoked_at. A row is needed only until no token it covers can still be valid.
create table token_revocations (
    id          uuid                     primary key,
    jti         varchar(64),
    room_uuid   uuid,
    identity    varchar(128),
    revoked_at  timestamp with time zone not null,
    valid_until timestamp with time zone not null
);
create index token_revocations_until on token_revocations (valid_until);
