-- A cluster node asks, when a room it does not hold a meeting for ends, whether a meeting is on that room
-- (MeetingStore.find(room)): an index, so that question is not a scan of every meeting.
create index meetings_room_uuid on meetings (room_uuid);
