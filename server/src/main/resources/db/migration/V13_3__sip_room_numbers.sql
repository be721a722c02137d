-- The dial-in number of a room (docs/SIP.md, "Rooms on the phone"): assigned on first use, unique,
-- kept for the room's life (rooms are deleted softly, so a number is never reused).
create table sip_room_numbers (
    room_uuid  uuid        not null references rooms (uuid),
    number     varchar(16) not null,
    constraint sip_room_numbers_pkey primary key (room_uuid),
    constraint sip_room_numbers_number unique (number)
);
