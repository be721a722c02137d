package io.atrium.server.files;

import io.atrium.server.store.StoreException;
import io.atrium.server.store.VideoFileStore;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Storage quotas for shared video files: at most {@code perRoom} bytes per room (a 003 session) and
 * {@code total} bytes over all rooms. An upload reserves the bytes it may still write before it reads
 * its body, so concurrent uploads cannot pass a quota together; the reservation ends when the upload
 * has been recorded (then its size counts through the store) or refused. A recording in progress holds a
 * reservation that it {@link Reservation#extend extends} as its track files grow (docs/RECORDING.md, "Bounds").
 */
public final class StorageQuota {

    private final VideoFileStore store;
    private final long perRoom;
    private final long total;
    private final Map<UUID, Long> reservedByRoom = new HashMap<>();
    private long reservedTotal;

    public StorageQuota(VideoFileStore store, long perRoom, long total) {
        this.store = store;
        this.perRoom = perRoom;
        this.total = total;
    }

    /** Bytes reserved for one upload or recording; {@link #close} gives them back. */
    public final class Reservation implements AutoCloseable {
        private final UUID room;
        private long bytes;
        private boolean byRoom;
        private boolean closed;

        private Reservation(UUID room, long bytes, boolean byRoom) {
            this.room = room;
            this.bytes = bytes;
            this.byRoom = byRoom;
        }

        /** The error for an upload that outgrew this reservation. */
        FileException exceeded() {
            return StorageQuota.this.exceeded(byRoom);
        }

        /** The bytes reserved. */
        public long bytes() {
            synchronized (StorageQuota.this) {
                return bytes;
            }
        }

        /**
         * Reserves up to {@code want} more bytes for the same room, as many as are left, at least one; else
         * {@code QUOTA_EXCEEDED} (nothing changes). Answers the bytes now reserved.
         */
        public long extend(long want) {
            synchronized (StorageQuota.this) {
                if (closed) {
                    throw new IllegalStateException("the reservation was given back");
                }
                Taken more = take(room, want, true);
                bytes += more.bytes();
                byRoom = more.byRoom();
                return bytes;
            }
        }

        @Override
        public void close() {
            synchronized (StorageQuota.this) {
                if (closed) {
                    return;
                }
                closed = true;
                reservedTotal -= bytes;
                reservedByRoom.computeIfPresent(room, (k, v) -> v - bytes == 0 ? null : v - bytes);
            }
        }
    }

    /**
     * Reserves {@code want} bytes for an upload to {@code room}, or (when {@code partial}, for a body of
     * unknown length) as many as are left, at least one; else {@code QUOTA_EXCEEDED}.
     */
    public synchronized Reservation reserve(UUID room, long want, boolean partial) {
        Taken taken = take(room, want, partial);
        return new Reservation(room, taken.bytes(), taken.byRoom());
    }

    /** Bytes just reserved, and whether the room's quota (else the server's) is the one that binds. */
    private record Taken(long bytes, boolean byRoom) {
    }

    /** Counts {@code want} bytes (or as many as are left) as reserved for {@code room}. */
    private Taken take(UUID room, long want, boolean partial) {
        long roomUsed;
        long totalUsed;
        try {
            roomUsed = store.usedBytes(room);
            totalUsed = store.usedBytes();
        } catch (StoreException e) {
            throw new FileException(FileException.Kind.INTERNAL_ERROR, "the storage quota could not be checked", e);
        }
        long roomFree = perRoom - roomUsed - reservedByRoom.getOrDefault(room, 0L);
        long totalFree = total - totalUsed - reservedTotal;
        long free = Math.min(roomFree, totalFree);
        if (free < 1 || !partial && free < want) {
            throw exceeded(roomFree <= totalFree);
        }
        long bytes = Math.min(want, free);
        reservedTotal += bytes;
        reservedByRoom.merge(room, bytes, Long::sum);
        return new Taken(bytes, roomFree <= totalFree);
    }

    private FileException exceeded(boolean byRoom) {
        return new FileException(FileException.Kind.QUOTA_EXCEEDED, byRoom
                ? "the session's storage quota of " + perRoom + " bytes is used up (files.max_room_bytes); delete files first"
                : "the server's storage quota of " + total + " bytes is used up (files.max_total_bytes)");
    }
}
