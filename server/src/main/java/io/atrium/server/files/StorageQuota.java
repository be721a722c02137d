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
 * has been recorded (then its size counts through the store) or refused.
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

    /** Bytes reserved for one upload; {@link #close} gives them back. */
    public final class Reservation implements AutoCloseable {
        private final UUID room;
        final long bytes;
        private final boolean byRoom;
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
    synchronized Reservation reserve(UUID room, long want, boolean partial) {
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
        return new Reservation(room, bytes, roomFree <= totalFree);
    }

    private FileException exceeded(boolean byRoom) {
        return new FileException(FileException.Kind.QUOTA_EXCEEDED, byRoom
                ? "the session's storage quota of " + perRoom + " bytes is used up (files.max_room_bytes); delete files first"
                : "the server's storage quota of " + total + " bytes is used up (files.max_total_bytes)");
    }
}
