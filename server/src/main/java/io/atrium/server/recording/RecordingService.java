package io.atrium.server.recording;

import io.atrium.server.edge.ApiException;
import io.atrium.server.files.FileException;
import io.atrium.server.files.StorageQuota;
import io.atrium.server.files.VideoFileService;
import io.atrium.server.sfu.MediaLimitException;
import io.atrium.server.sfu.PacketTap;
import io.atrium.server.sfu.Receiver;
import io.atrium.server.sfu.Shards;
import io.atrium.server.store.Jdbc;
import io.atrium.server.store.RecordingRow;
import io.atrium.server.store.RecordingStore;
import io.atrium.server.store.RoomStore;
import io.atrium.server.room.RoomEvent;
import io.atrium.server.room.RoomListener;
import io.atrium.server.room.RoomRecorder;
import io.atrium.server.room.RpcException;
import io.atrium.server.store.VideoFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recordings of rooms (docs/RECORDING.md): start taps every track of the room in the SFU ({@link Shards#tap}), the
 * {@link Recorder} thread writes each to a track file under {@code <dir>/<recording>/}, stop untaps them and, once
 * every file is closed, the "atrium-finisher" thread turns each into a WebM/MP4 ({@link Finisher}) kept as a
 * video file of the room (uploaded by {@code recording:<id>}). Rows in the database say where each recording is;
 * a restart finishes what a killed server left ({@link #recover}); in a cluster, the node that sees another gone gives
 * up that node's recordings in progress ({@link #nodeGone}). A recording in progress is bounded (docs/RECORDING.md,
 * "Bounds"): its track files count against the storage quotas as they are written, it lasts at most
 * {@code maxDuration}, and this node makes at most {@code maxRecordings} at once.
 */
public final class RecordingService implements RoomListener, RoomRecorder, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordingService.class);
    /** Who the files of a recording are uploaded by: this prefix and the recording's id. */
    public static final String UPLOADED_BY_PREFIX = "recording:";
    /** The error of a recording given up because its node was gone ({@link #nodeGone}). */
    static final String NODE_GONE = "the node recording it stopped; its track files are on that node's disk, which finishes"
            + " the recording if it starts again over the same data directory";

    private final Shards shards;
    private final RecordingStore store;
    private final RoomStore rooms;
    private final VideoFileService files;
    private final Path dir;
    private final Recorder recorder;
    private final Finisher finisher;
    private final Composer composer;
    /** Progress (0..1) of composites being made, by recording. */
    private final Map<UUID, Double> compositeProgress = new ConcurrentHashMap<>();
    private final Clock clock;
    /** This node's id in the cluster, stored with the recordings it makes; null alone ({@link #recover}). */
    private volatile String node;
    private final Map<UUID, Active> active = new ConcurrentHashMap<>();
    /** Bytes a recording reserves at a time against the storage quotas as its track files grow. */
    static final long RESERVE_BYTES = 1L << 20;
    private final StorageQuota quota;
    private final int maxRecordings;
    private final Duration maxDuration;
    /** Stops recordings that reached a bound (the writer thread and the duration timers hand them over). */
    private final ScheduledExecutorService limits = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "atrium-recording-limits");
        t.setDaemon(true);
        return t;
    });
    private final List<RecordingListener> listeners = new CopyOnWriteArrayList<>();
    /** How often the finisher thread removes the track directories of recordings deleted meanwhile ({@link #sweepDeleted}). */
    static final long SWEEP_MINUTES = 10;
    private final ScheduledExecutorService finishing = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "atrium-finisher");
        t.setDaemon(true);
        return t;
    });

    public RecordingService(Shards shards, RecordingStore store, RoomStore rooms, VideoFileService files, Path dir, Recorder recorder,
                            Finisher finisher, int maxRecordings, Duration maxDuration, Clock clock) {
        this.shards = shards;
        this.quota = files.quota();
        this.maxRecordings = maxRecordings;
        this.maxDuration = maxDuration;
        this.store = store;
        this.rooms = rooms;
        this.files = files;
        this.dir = dir;
        this.recorder = recorder;
        this.finisher = finisher;
        this.composer = new Composer(finisher.ffmpeg());
        this.clock = clock;
    }

    public void addListener(RecordingListener l) {
        listeners.add(l);
    }

    public Recorder recorder() {
        return recorder;
    }

    /**
     * Starts recording {@code room} (the caller checked that it exists); 409 when it is being recorded, 503
     * {@code too_many_recordings} when this node makes {@code maxRecordings} already, 507 {@code quota_exceeded} when
     * the room's or the server's storage quota is used up.
     */
    public RecordingRow start(UUID room, boolean composite) {
        RecordingRow row = new RecordingRow(UUID.randomUUID(), room, RecordingRow.RECORDING, composite, Jdbc.now(clock), null,
                null, null, node);
        Active a;
        synchronized (active) { // the count and the put at once: concurrent starts cannot pass the cap together
            if (active.containsKey(room)) {
                throw ApiException.conflict(null, "the room is already being recorded; stop that recording first");
            }
            if (active.size() >= maxRecordings) {
                throw new ApiException(503, "too_many_recordings", "this server is making " + maxRecordings
                        + " recordings already, its most at once (files.max_recordings); stop one or try again later", null);
            }
            a = new Active(row, reserve(room));
            active.put(room, a);
        }
        try {
            // made before the row: its track directory is what says that this node (its data directory) recorded it
            Files.createDirectories(dir.resolve(row.id().toString()));
            store.insert(row);
        } catch (IOException e) {
            a.release();
            active.remove(room, a);
            throw new UncheckedIOException("the recording's directory cannot be created under " + dir, e);
        } catch (RuntimeException e) {
            a.release();
            active.remove(room, a);
            throw e;
        }
        a.timeLimit = limits.schedule(() -> a.reachedBound("it reached the longest a recording lasts, "
                + maxDuration.toSeconds() + " s (files.max_recording_seconds)"), maxDuration.toMillis(), TimeUnit.MILLISECONDS);
        try {
            // a shard that took the tap before another refused it may have opened track files: once every one is
            // closed, the directory goes instead of a finish
            shards.tap(room, a, a::refused);
        } catch (MediaLimitException stopping) { // the server is stopping: 503, and no recording was started
            a.timeLimit.cancel(false);
            a.release();
            active.remove(room, a);
            store.delete(row.id());
            throw stopping;
        }
        LOG.info("recording {} of room {} started", row.id(), room);
        listeners.forEach(l -> l.started(row));
        return row;
    }

    /** The first bytes of a recording, reserved against the storage quotas; 507 when one is used up. */
    private StorageQuota.Reservation reserve(UUID room) {
        try {
            return quota.reserve(room, RESERVE_BYTES, true);
        } catch (FileException e) {
            throw new ApiException(e.kind() == FileException.Kind.QUOTA_EXCEEDED ? 507 : 500,
                    e.kind() == FileException.Kind.QUOTA_EXCEEDED ? "quota_exceeded" : "internal_error",
                    "cannot record: " + e.getMessage(), null);
        }
    }

    @Override
    public Optional<String> recordingId(UUID room) {
        return Optional.ofNullable(active.get(room)).map(a -> a.row.id().toString());
    }

    /**
     * Stops recording {@code id} of {@code room}; its files are finished in the background. 404 for a recording
     * that is not this room's, 409 for one already stopped.
     */
    public RecordingRow stop(UUID room, UUID id) {
        return stop(room, id, null);
    }

    /** {@link #stop(UUID, UUID)}; {@code reason}, when not null, is the recording's error from now on. */
    private RecordingRow stop(UUID room, UUID id, String reason) {
        RecordingRow row = find(room, id);
        Active a = active.get(room);
        if (a == null || !a.row.id().equals(id) || !active.remove(room, a)) {
            throw ApiException.conflict(null, "recording " + id + " is already stopped (" + row.state() + ")");
        }
        ScheduledFuture<?> timeLimit = a.timeLimit;
        if (timeLimit != null) { // null only for a stop racing the start's last steps
            timeLimit.cancel(false);
        }
        RecordingRow stopped = (reason == null ? store.stopped(id, Jdbc.now(clock), node)
                : store.stopped(id, Jdbc.now(clock), node, reason)).orElseThrow(() ->
                ApiException.conflict(null, "recording " + id + " is already stopped"));
        a.row = stopped;
        LOG.info("recording {} of room {} stopped{}", id, room, reason == null ? "" : ": " + reason);
        // told before the taps close: a recording with nothing to finish is ready or failed at once, on another
        // thread, and "stopped" must come before that in every webhook and notification
        listeners.forEach(l -> l.stopped(stopped));
        shards.untap(room, a, a::untapped);
        return stopped;
    }

    /**
     * The room setting {@code record}: a room that has it is recorded from its first member on (any kind: WebSocket,
     * WHIP, phone); every recording of a room stops when the room ends. The room's executor (or the WHIP edge).
     */
    @Override
    public void event(RoomEvent event) {
        switch (event.type()) {
            case "member.joined" -> {
                if (!active.containsKey(event.room()) && rooms.find(event.room()).map(r -> r.record()).orElse(false)) {
                    try {
                        start(event.room(), false);
                    } catch (ApiException e) {
                        if (e.status() == 409) {
                            LOG.debug("room {} was already being recorded", event.room());
                        } else {
                            LOG.warn("room {} has the setting record but is not recorded: {}", event.room(), e.getMessage());
                        }
                    }
                }
            }
            case "room.ended" -> stopIfRecording(event.room());
            default -> {
            }
        }
    }

    /** {@code start_recording} by a room admin. */
    @Override
    public Map<String, Object> start(UUID room) {
        if (active.containsKey(room)) {
            throw new RpcException(409, "the room is already being recorded");
        }
        try {
            return Map.of("recording_id", start(room, false).id().toString());
        } catch (ApiException e) {
            throw new RpcException(e.status(), e.getMessage());
        } catch (MediaLimitException stopping) {
            throw new RpcException(stopping.status(), stopping.getMessage());
        }
    }

    /** {@code stop_recording} by a room admin. */
    @Override
    public Map<String, Object> stop(UUID room) {
        Active a = active.get(room);
        if (a == null) {
            throw new RpcException(409, "the room is not being recorded");
        }
        try {
            return Map.of("recording_id", stop(room, a.row.id()).id().toString());
        } catch (ApiException e) {
            throw new RpcException(e.status(), e.getMessage());
        }
    }

    /** Stops whatever recording {@code room} has (the room ended); nothing when none. */
    public void stopIfRecording(UUID room) {
        Active a = active.get(room);
        if (a != null) {
            try {
                stop(room, a.row.id());
            } catch (ApiException raced) {
                LOG.debug("recording of room {} was stopped meanwhile", room);
            }
        }
    }

    /** A recording of {@code room}; 404 when there is none with that id in that room. */
    public RecordingRow find(UUID room, UUID id) {
        return store.find(id).filter(r -> r.room().equals(room))
                .orElseThrow(() -> ApiException.notFound("no recording " + id + " in this room"));
    }

    public List<RecordingRow> list(UUID room) {
        return store.list(room);
    }

    /** The video files a recording produced, oldest first. */
    public List<VideoFile> files(RecordingRow r) {
        String by = UPLOADED_BY_PREFIX + r.id();
        return files.list(r.room()).stream().filter(f -> f.uploadedBy().equals(by)).toList();
    }

    /** Deletes a finished recording and its files; 409 while it is recording or finishing. */
    public void delete(UUID room, UUID id) {
        RecordingRow r = find(room, id);
        if (r.state().equals(RecordingRow.RECORDING) || r.state().equals(RecordingRow.FINISHING)) {
            throw ApiException.conflict(null, "recording " + id + " is " + r.state() + "; stop it and wait until it is ready");
        }
        for (VideoFile f : files(r)) {
            files.delete(room, f.id());
        }
        deleteTree(dir.resolve(id.toString()));
        store.delete(id);
    }

    /**
     * Finishes what a previous run left: recordings still {@code recording} (the server was killed: their track
     * files hold what was written up to the last flush), {@code finishing}, or given up by another node that saw this
     * one gone (finished anyway: {@code ready} if any track is kept). Only those recorded here, whose track directory
     * is in this data directory: in a cluster the other nodes' recordings are theirs to finish, the one recording
     * them now or, if it died, when it starts again (docs/SCALING.md). {@code node} is this node's id in the cluster
     * (null alone), stored with the recordings it makes and finishes from now on. Call once at start.
     */
    public void recover(String node) {
        this.node = node;
        sweepDeleted();
        finishing.scheduleWithFixedDelay(this::sweepDeleted, SWEEP_MINUTES, SWEEP_MINUTES, TimeUnit.MINUTES);
        for (RecordingRow r : store.unfinished()) {
            if (!recordedHere(r)) {
                continue;
            }
            if (r.state().equals(RecordingRow.FINISHING)) {
                finishing.execute(() -> finish(r, List.of()));
            } else {
                store.stopped(r.id(), Jdbc.now(clock), node).ifPresent(s -> finishing.execute(() -> finish(s, List.of(
                        "the server stopped while recording; kept what was written"))));
            }
        }
    }

    /**
     * Another node is gone and this one saw it first ({@link RoomListener#nodeGone}): its recordings still
     * {@code recording} or {@code finishing} are {@code failed} at once ({@link RecordingStore#abandoned}), told as
     * finished with no file; their track files stay on that node's disk ({@link #recover} there, if it comes back).
     */
    @Override
    public void nodeGone(String gone) {
        for (RecordingRow r : store.abandoned(gone, Jdbc.now(clock), NODE_GONE)) {
            LOG.info("recording {} of room {} failed: its node {} is gone", r.id(), r.room(), gone);
            tellFinished(r, List.of());
        }
    }

    /**
     * Removes the track directories under this data directory whose recording was deleted (its row is gone): in a
     * cluster another node may have been asked to delete a recording this node made and kept track files of (a
     * failed one), or one whose node was down then. A directory of a recording this node is starting (made before
     * its row) is left alone, as is anything not named by a recording id. At start, then every {@value #SWEEP_MINUTES}
     * minutes on the finisher thread.
     */
    void sweepDeleted() {
        try (Stream<Path> s = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            for (Path p : s.toList()) {
                UUID id = recordingId(p.getFileName().toString());
                if (id != null && Files.isDirectory(p) && active.values().stream().noneMatch(a -> a.row.id().equals(id))
                        && store.find(id).isEmpty()) {
                    deleteTree(p);
                    LOG.info("recording {}: deleted meanwhile; its track files here are removed", id);
                }
            }
        } catch (IOException | RuntimeException e) { // tried again at the next sweep
            LOG.warn("the track directories of deleted recordings could not be swept: {}", e.toString());
        }
    }

    private static UUID recordingId(String name) {
        try {
            UUID id = UUID.fromString(name);
            return id.toString().equals(name) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private boolean recordedHere(RecordingRow r) {
        return Files.isDirectory(dir.resolve(r.id().toString()));
    }

    /** Turns every track file of a stopped recording into a video file of the room. Finisher thread. */
    private void finish(RecordingRow row, List<String> problems) {
        List<String> errors = new ArrayList<>(problems);
        List<VideoFile> kept = new ArrayList<>();
        Path recordingDir = dir.resolve(row.id().toString());
        List<Path> tracks;
        try (Stream<Path> s = Files.exists(recordingDir) ? Files.list(recordingDir) : Stream.empty()) {
            tracks = s.filter(p -> p.toString().endsWith(".atrk")).sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            tracks = List.of();
            errors.add("the recording's directory could not be read: " + e.getMessage());
        }
        boolean allKept = true;
        List<Finisher.Result> finished = new ArrayList<>();
        for (Path track : tracks) {
            try {
                Finisher.Result result = finisher.finish(track, recordingDir);
                if (result == null) {
                    continue;
                }
                finished.add(result);
                String name = track.getFileName().toString().replaceFirst("\\.atrk$", "." + result.container());
                kept.add(files.keep(result.file(), row.room(), name, UPLOADED_BY_PREFIX + row.id()));
            } catch (IOException | RuntimeException e) {
                allKept = false;
                errors.add(track.getFileName() + ": " + e.getMessage());
                LOG.warn("recording {}: track {} could not be finished", row.id(), track, e);
            }
        }
        if (tracks.isEmpty()) {
            errors.add("no track was recorded");
        }
        if (row.composite() && !finished.isEmpty()) {
            try {
                kept.add(composite(row, finished, recordingDir));
            } catch (IOException | RuntimeException e) {
                errors.add("composite: " + e.getMessage());
                LOG.warn("recording {}: the composite could not be made", row.id(), e);
            } finally {
                compositeProgress.remove(row.id());
            }
        }
        for (Finisher.Result r : finished) {
            try {
                Files.deleteIfExists(r.file());
            } catch (IOException e) {
                LOG.debug("could not delete {}", r.file(), e);
            }
        }
        String error = errors.isEmpty() ? null : String.join("; ", errors);
        if (error != null && error.length() > 2048) {
            error = error.substring(0, 2045) + "...";
        }
        String state = kept.isEmpty() ? RecordingRow.FAILED : RecordingRow.READY;
        RecordingRow done;
        try {
            done = store.finished(row.id(), state, Jdbc.now(clock), error).orElse(row);
        } catch (RuntimeException e) {
            LOG.error("recording {} could not be marked {}", row.id(), state, e);
            return;
        }
        if (allKept) { // after the row says so: until then the directory says that this node has it to finish
            try {
                deleteTree(recordingDir);
            } catch (UncheckedIOException e) {
                LOG.warn("recording {}: its track directory could not be deleted", row.id(), e);
            }
        }
        LOG.info("recording {} of room {} {}: {} files{}", row.id(), row.room(), state, kept.size(),
                error == null ? "" : " (" + error + ")");
        tellFinished(done, kept);
    }

    private void tellFinished(RecordingRow done, List<VideoFile> kept) {
        for (RecordingListener l : listeners) {
            try {
                l.finished(done, List.copyOf(kept));
            } catch (RuntimeException e) {
                LOG.error("recording listener failed", e);
            }
        }
    }

    /**
     * Makes the meeting's composite from the finished tracks (a publisher's second and later video tracks are its
     * screen shares) and keeps it as {@code composite.mp4}; logs the CPU time ffmpeg took per minute of meeting.
     */
    private VideoFile composite(RecordingRow row, List<Finisher.Result> finished, Path recordingDir) throws IOException {
        List<Composer.Input> inputs = new ArrayList<>();
        Map<String, Integer> videos = new java.util.HashMap<>();
        for (Finisher.Result r : finished) {
            boolean audio = r.header().kind().equals("audio");
            boolean screen = !audio && videos.merge(r.header().publisherId(), 1, Integer::sum) > 1;
            inputs.add(new Composer.Input(r.file(), audio, screen, r.startMillis(), r.endMillis()));
        }
        double seconds = row.stoppedAt() != null && row.startedAt() != null
                ? Math.max(1, (row.stoppedAt().toEpochMilli() - row.startedAt().toEpochMilli()) / 1000.0) : 1;
        Path out = recordingDir.resolve("composite.mp4");
        compositeProgress.put(row.id(), 0.0);
        java.time.Duration cpu = composer.compose(inputs, seconds, out, p -> compositeProgress.put(row.id(), p));
        LOG.info("recording {}: composite of {} s from {} tracks took {} ms CPU ({} s per minute of meeting)", row.id(),
                String.format(java.util.Locale.ROOT, "%.1f", seconds), inputs.size(), cpu.toMillis(),
                String.format(java.util.Locale.ROOT, "%.1f", cpu.toMillis() / 1000.0 / (seconds / 60)));
        try {
            return files.keep(out, row.room(), "composite.mp4", UPLOADED_BY_PREFIX + row.id());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** How far the composite of recording {@code id} is (0..1), empty when none is being made. */
    public Optional<Double> compositeProgress(UUID id) {
        return Optional.ofNullable(compositeProgress.get(id));
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }

    @Override
    public void close() {
        limits.shutdownNow();
        for (Active a : active.values()) {
            shards.untap(a.row.room(), a, () -> { });
        }
        recorder.close();
        finishing.shutdown();
        try {
            finishing.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One recording in progress: the taps of its tracks, and its bounds (the bytes it reserved, its duration timer);
     * finishes once untapped and every file is closed.
     */
    private final class Active implements PacketTap.Factory, Recorder.Budget {
        volatile RecordingRow row;
        private final StorageQuota.Reservation reserved;
        /**
         * Guards the budget: {@link #reservedBytes}, {@link #written}, {@link #bound}. Not the monitor of this object,
         * which the media thread takes to open a track: an extension may wait for the database.
         */
        private final Object budget = new Object();
        /** Bytes reserved ({@link #reserved}) and written. */
        private long reservedBytes;
        private long written;
        /** Why it stopped by itself (a bound reached), or null. */
        private volatile String bound;
        volatile ScheduledFuture<?> timeLimit;
        private int opened;
        private int ended;
        private boolean untapped;
        /** Refused at its start: its track files are deleted instead of finished. */
        private boolean discarded;
        private final List<String> failures = new ArrayList<>();

        Active(RecordingRow row, StorageQuota.Reservation reserved) {
            this.row = row;
            this.reserved = reserved;
            this.reservedBytes = reserved.bytes();
        }

        /**
         * The writer thread asks before writing {@code bytes} of a track: within what is reserved, or what more the
         * storage quotas give; else the recording reached its bound and stops.
         */
        @Override
        public boolean allow(long bytes) {
            synchronized (budget) {
                if (bound != null) {
                    return false;
                }
                // an extension gives what is left of the quota when that is less than asked: at most a second one fails
                for (int i = 0; i < 2 && written + bytes > reservedBytes; i++) {
                    try {
                        reservedBytes = reserved.extend(Math.max(RESERVE_BYTES, written + bytes - reservedBytes));
                    } catch (FileException | IllegalStateException e) {
                        reachedBound("it reached the storage quota: " + e.getMessage());
                        return false;
                    }
                }
                if (written + bytes > reservedBytes) {
                    return false; // not reached: the second extension threw
                }
                written += bytes;
                return true;
            }
        }

        /** The recording stops by itself because {@code reason} (once; on the limits thread). */
        void reachedBound(String reason) {
            synchronized (budget) {
                if (bound != null) {
                    return;
                }
                bound = "stopped because " + reason;
            }
            try {
                limits.execute(() -> {
                    try {
                        stop(row.room(), row.id(), bound);
                    } catch (ApiException raced) {
                        LOG.debug("recording {} was stopped meanwhile", row.id());
                    } catch (RuntimeException e) {
                        LOG.error("recording {} could not be stopped at its bound", row.id(), e);
                    }
                });
            } catch (RejectedExecutionException closing) {
                LOG.debug("recording {} reached a bound while the server stops", row.id());
            }
        }

        /** Gives back what it reserved: its track files are closed (their finished files reserve for themselves). */
        void release() {
            reserved.close();
        }

        @Override
        public PacketTap open(Receiver receiver) {
            var info = receiver.info();
            int n;
            synchronized (this) {
                if (untapped) {
                    return null;
                }
                n = ++opened;
            }
            String kind = info.kind().name().toLowerCase(java.util.Locale.ROOT);
            TrackFile.Header header = new TrackFile.Header(kind, info.codec(), info.clockRate(), info.payloadType(), info.id(),
                    receiver.publisherId(), row.startedAt().toEpochMilli());
            Path file = dir.resolve(row.id().toString()).resolve(String.format("%03d-%s-%s.atrk", n, kind,
                    info.id().replaceAll("[^A-Za-z0-9_-]", "_")));
            return recorder.open(header, kind.equals("video") ? TrackTap.VIDEO_SLOTS : TrackTap.AUDIO_SLOTS, file, this::ended,
                    this);
        }

        /** A track file closed. Writer thread. */
        private void ended(Recorder.Ended e) {
            if (e.failure() != null) {
                listeners.forEach(l -> l.trackFailed(row, e.tap().header().trackId(), e.failure()));
            }
            synchronized (this) {
                ended++;
                if (e.failure() != null) {
                    failures.add(e.failure());
                }
            }
            finishIfDone();
        }

        /** Refused at its start (the server is stopping) and untapped: its files go once every one is closed. */
        void refused() {
            synchronized (this) {
                discarded = true;
            }
            untapped();
        }

        /** No track gets another packet. Media thread. */
        void untapped() {
            synchronized (this) {
                untapped = true;
            }
            finishIfDone();
        }

        private void finishIfDone() {
            List<String> problems;
            boolean discard;
            synchronized (this) {
                if (!untapped || ended < opened || opened < 0) {
                    return;
                }
                opened = -1; // finish once
                List<String> all = new ArrayList<>();
                if (bound != null) {
                    all.add(bound);
                }
                all.addAll(failures);
                problems = List.copyOf(all);
                discard = discarded;
            }
            release();
            if (discard) {
                try {
                    deleteTree(dir.resolve(row.id().toString()));
                } catch (UncheckedIOException e) {
                    LOG.warn("the track files of refused recording {} stay: {}", row.id(), e.getCause().toString());
                }
                return;
            }
            finishing.execute(() -> finish(row, problems));
        }
    }
}
