package io.atrium.server.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A recording of a room as stored: its state ({@link #RECORDING}, {@link #FINISHING}, {@link #READY},
 * {@link #FAILED}), whether a composite video was asked for, when it started, stopped and was finished, and
 * what went wrong (tracks that stopped early or could not be finished), null when nothing did; and the cluster node
 * that records it (null on a single node). A {@link #FAILED} recording whose {@code finishedAt} is null was given up
 * by another node when the node recording it was gone: its track files are still on that node's disk, which
 * finishes it if it starts again over the same data directory (docs/RECORDING.md).
 */
public record RecordingRow(UUID id, UUID room, String state, boolean composite, Instant startedAt, Instant stoppedAt,
                           Instant finishedAt, String error, String node) {
    public static final String RECORDING = "recording";
    public static final String FINISHING = "finishing";
    public static final String READY = "ready";
    public static final String FAILED = "failed";
}
