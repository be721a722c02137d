-- SIP digest authentication (RFC 3261 22, RFC 8760): per user, realm and algorithm the HA1 =
-- H(username ":" realm ":" password), written whenever the password is set. The password itself is
-- never stored; a user without rows here cannot register a phone until their password is set again.
create table sip_digests (
    user_uuid  uuid        not null references users (uuid) on delete cascade,
    realm      varchar(64) not null,
    algorithm  varchar(16) not null,
    ha1        varchar(64) not null,
    constraint sip_digests_pkey primary key (user_uuid, realm, algorithm)
);
