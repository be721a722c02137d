-- Revocations numbered in the order they are saved (docs/SCALING.md, "Revocations"): every node of a cluster reads
-- those saved after the last one it read. Each save first updates the one row of token_revocations_saved; that row's
-- lock, held until the save commits, makes saves commit in the order of their numbers, so a node that has read
-- number n has seen every revocation numbered below it. Rows saved before this migration are numbered 0 (read at start).
alter table token_revocations add column seq bigint default 0 not null;
create index token_revocations_seq on token_revocations (seq);
create table token_revocations_saved (last_seq bigint not null);
insert into token_revocations_saved (last_seq) values (0);
