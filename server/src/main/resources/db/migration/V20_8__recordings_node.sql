-- Which node of a cluster records a recording (its cluster node id; null on a single node and for recordings
-- made before this column): the track files of a recording in progress are on that node's disk, so when it
-- dies the node that sees it gone marks its recordings still 'recording' or 'finishing' 'failed', with
-- finished_at null (docs/SCALING.md, "Failure"; docs/RECORDING.md). Numbered V20_8 (issue 20) so that it does
-- not collide with migrations of other branches.
alter table recordings add column node varchar(255);
