-- A room's readable link name: /r/<slug> (docs/WEB.md). Unique over all rooms, deleted ones too, so an
-- old link never opens a newer room. Null: a room without one (facade rooms, rooms from before V13_4).
alter table rooms add column slug varchar(64);
create unique index rooms_slug_key on rooms (slug);
