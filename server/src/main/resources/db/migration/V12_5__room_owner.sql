-- Rooms made by a contract facade are marked with it ('live' = 000, 'meetings' = 001,
-- 'video_call' = 003/004); the native REST API refuses changes that would break the facade's rules
-- (docs/CONTRACTS.md, facade rooms). Null: a native room.
alter table rooms add column owner varchar(32);
