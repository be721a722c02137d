package io.atrium.server.recording;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "atrium-recorder" thread: drains every {@link TrackTap} into its track file every
 * {@value #DRAIN_MILLIS} ms and flushes each file every {@value #FLUSH_MILLIS} ms (what a killed server leaves
 * is readable up to that point). With nothing to record it sleeps until {@link #open} wakes it (no idle
 * wake-ups: docs/PERFORMANCE.md, issue 17 "fixed costs"). The media thread only fills the taps' rings; all disk work is here, so a slow
 * disk fills a ring and drops that track's recording (reported once through {@link Track#done}) while
 * forwarding goes on.
 */
public final class Recorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    static final long DRAIN_MILLIS = 20;
    static final long FLUSH_MILLIS = 1000;

    /** Opens the file a track is written to (the test seam for a slow or failing disk). */
    public interface Disk {
        OutputStream open(Path path) throws IOException;
    }

    /**
     * What the track files of one recording may still grow by (docs/RECORDING.md, "Bounds"): asked by the writer
     * thread, before it writes what a track queued, with the bytes that would add.
     */
    public interface Budget {
        /** Every write allowed. */
        Budget UNBOUNDED = bytes -> true;

        /** Whether {@code bytes} more may be written; when not, they are dropped (the recording is being stopped). */
        boolean allow(long bytes);
    }

    /** How a track's file ended: complete, or stopped early with {@code failure}. Writer thread. */
    public record Ended(TrackTap tap, Path path, long packets, long dropped, String failure) {
    }

    /** A track being written: its tap, its file, and who hears when it ends. */
    static final class Track {
        final TrackTap tap;
        final Path path;
        final Consumer<Ended> done;
        final Budget budget;
        TrackFile.Writer writer;

        Track(TrackTap tap, Path path, Consumer<Ended> done, Budget budget) {
            this.tap = tap;
            this.path = path;
            this.done = done;
            this.budget = budget;
        }
    }

    private final Disk files;
    private final ConcurrentLinkedQueue<Track> added = new ConcurrentLinkedQueue<>();
    private final List<Track> tracks = new ArrayList<>();
    /** Taps being written, for the counters read at any time (a stuck writer still shows a full queue). */
    private final java.util.Set<TrackTap> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;
    final AtomicLong failedTracks = new AtomicLong();
    final AtomicLong droppedPackets = new AtomicLong();
    final AtomicLong writtenPackets = new AtomicLong();

    public Recorder() {
        this(path -> new BufferedOutputStream(Files.newOutputStream(path), 1 << 16));
    }

    public Recorder(Disk files) {
        this.files = files;
        this.thread = new Thread(this::run, "atrium-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A tap for one track, written to {@code path} (which it creates) with {@code header}, through a queue of
     * {@code slots} packets; {@code done} hears once how the file ended. Any thread (the media thread: allocates
     * the queue, never blocks).
     */
    public TrackTap open(TrackFile.Header header, int slots, Path path, Consumer<Ended> done) {
        return open(header, slots, path, done, Budget.UNBOUNDED);
    }

    /** As {@link #open(TrackFile.Header, int, Path, Consumer)}, writing only what {@code budget} allows. */
    public TrackTap open(TrackFile.Header header, int slots, Path path, Consumer<Ended> done, Budget budget) {
        TrackTap tap = new TrackTap(header, slots);
        live.add(tap);
        added.add(new Track(tap, path, done, budget));
        LockSupport.unpark(thread);
        return tap;
    }

    /** Tracks whose recording stopped early (full queue or a write error), since start. */
    public long failedTracks() {
        return failedTracks.get() + live.stream().filter(t -> t.failure() != null).count();
    }

    /** Packets written to track files. */
    public long writtenPackets() {
        return writtenPackets.get();
    }

    /** Packets not recorded because a track's queue was full or its file failed. */
    public long droppedPackets() {
        return droppedPackets.get() + live.stream().mapToLong(TrackTap::dropped).sum();
    }

    private void run() {
        long lastFlush = System.nanoTime();
        while (running || !added.isEmpty() || !tracks.isEmpty()) {
            for (Track t; (t = added.poll()) != null; ) {
                tracks.add(t);
            }
            boolean flush = System.nanoTime() - lastFlush > TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS);
            tracks.removeIf(t -> step(t, flush || !running));
            if (flush) {
                lastFlush = System.nanoTime();
            }
            if (running && tracks.isEmpty() && added.isEmpty()) {
                LockSupport.park(this); // nothing to record: no wake-ups until open or close unparks
            } else if (running) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS));
            } else {
                tracks.forEach(t -> t.tap.close());
            }
        }
    }

    /** Drains one track; true when it ended (its file closed and reported). */
    private boolean step(Track t, boolean flush) {
        try {
            if (t.writer == null && t.tap.failure() == null) {
                Files.createDirectories(t.path.getParent());
                t.writer = new TrackFile.Writer(files.open(t.path), t.tap.header());
            }
            if (t.tap.failure() == null) {
                boolean finished = t.tap.finished();
                long queued = t.tap.queuedBytes();
                if (queued == 0 || t.budget.allow(queued)) {
                    writtenPackets.addAndGet(t.tap.drainTo(t.writer));
                } else {
                    t.tap.skipQueued();
                }
                if (finished) {
                    t.writer.close();
                    end(t, null);
                    return true;
                }
                if (flush) {
                    t.writer.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            t.tap.fail("the track file " + t.path + " could not be written (" + e.getMessage()
                    + "); this track's recording stopped, the meeting goes on");
        }
        if (t.tap.failure() != null) {
            t.tap.close();
            if (t.writer != null) {
                try {
                    t.writer.close();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("closing failed track file {}", t.path, e);
                }
            }
            end(t, t.tap.failure());
            return true;
        }
        return false;
    }

    private void end(Track t, String failure) {
        live.remove(t.tap);
        if (failure != null) {
            failedTracks.incrementAndGet();
            LOG.error("recording: {}", failure);
        }
        droppedPackets.addAndGet(t.tap.dropped());
        try {
            t.done.accept(new Ended(t.tap, t.path, t.tap.packets(), t.tap.dropped(), failure));
        } catch (RuntimeException e) {
            LOG.error("recording: a track's end listener failed", e);
        }
    }

    /** Closes every tap, writes what they hold and ends the thread. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
