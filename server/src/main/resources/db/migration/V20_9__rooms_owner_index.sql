-- Rooms looked up by the facade or feature that keeps them (RoomStore.findOwned, listOwned: a live stream by
-- name, SIP's temporary rooms when a node is gone) without reading every room.
create index rooms_owner_name on rooms (owner, name);
