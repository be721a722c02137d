package io.atrium.server.recording;

import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.rtp.SequenceNumberUnwrapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one track file into a standard media file (docs/RECORDING.md, "Finishing"): packets are put back in
 * sequence order (a window of {@value #REORDER_WINDOW} packets; later stragglers and duplicates are dropped),
 * depacketized into an intermediate file ffmpeg reads with timestamps — Ogg for Opus, IVF for VP8, VP9 and
 * H.264 — and remuxed without transcoding by {@code ffmpeg -c copy}: Opus, VP8 and VP9 to WebM, H.264 to MP4.
 */
public final class Finisher {

    static final int REORDER_WINDOW = 1024;
    private static final long FFMPEG_TIMEOUT_MINUTES = 30;

    private final String ffmpeg;

    public Finisher(String ffmpeg) {
        this.ffmpeg = ffmpeg;
    }

    /** The ffmpeg program this finisher runs. */
    String ffmpeg() {
        return ffmpeg;
    }

    /** A finished track: the media file, its container, and what was kept and dropped. */
    public record Result(TrackFile.Header header, Path file, String container, long packets, long frames,
                         long framesDropped, long lateOrDuplicate, long truncatedBytes, long startMillis, long endMillis) {
    }

    /**
     * Finishes {@code trackFile} into {@code outDir} (named after the track file, with the container's extension);
     * null for a track that got no packet (a camera that never sent).
     */
    public Result finish(Path trackFile, Path outDir) throws IOException {
        String base = trackFile.getFileName().toString().replaceFirst("\\.atrk$", "");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(trackFile), 1 << 16)) {
            TrackFile.Reader reader = new TrackFile.Reader(in);
            TrackFile.Header h = reader.header();
            Path intermediate = outDir.resolve(base + (h.kind().equals("audio") ? ".ogg" : ".ivf"));
            Rebuilt rebuilt;
            try {
                rebuilt = rebuild(reader, out(intermediate));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(intermediate);
                throw e;
            }
            if (rebuilt.packets() == 0) {
                Files.deleteIfExists(intermediate);
                return null;
            }
            if (rebuilt.frames() == 0) {
                Files.deleteIfExists(intermediate);
                throw new TrackFileException("track " + h.trackId() + " has no complete frame to keep (" + rebuilt.packets()
                        + " packets, " + rebuilt.framesDropped() + " frames incomplete or before the first key frame)");
            }
            Path file = outDir.resolve(base + "." + rebuilt.container());
            try {
                remux(intermediate, file);
            } finally {
                Files.deleteIfExists(intermediate);
            }
            return new Result(h, file, rebuilt.container(), rebuilt.packets(), rebuilt.frames(), rebuilt.framesDropped(),
                    rebuilt.lateOrDuplicate(), reader.truncatedBytes(), rebuilt.startMillis(), rebuilt.endMillis());
        }
    }

    /** What {@link #rebuild} wrote: the container to remux into, packets kept and dropped, frames kept and dropped. */
    record Rebuilt(String container, long packets, long lateOrDuplicate, long frames, long framesDropped, long startMillis,
                   long endMillis) {
    }

    /**
     * Reads every record of {@code reader} and writes the track's intermediate file (Ogg Opus or IVF) to
     * {@code out}, which is closed. Malformed packets are dropped; an unsupported codec is a
     * {@link TrackFileException}.
     */
    static Rebuilt rebuild(TrackFile.Reader reader, OutputStream out) throws IOException {
        TrackFile.Header h = reader.header();
        Track track;
        try {
            if (h.kind().equals("audio")) {
                if (!h.codec().equalsIgnoreCase("opus")) {
                    throw new TrackFileException("audio codec " + h.codec() + " cannot be finished (Opus can)");
                }
                track = new OpusTrack(new OggOpusWriter(out, h.trackId().hashCode(), 2), "webm");
            } else {
                VideoDepacketizer video = VideoDepacketizer.of(h.codec());
                track = new VideoTrack(video, new IvfWriter(out, video.fourcc(), h.clockRate()), h.clockRate());
            }
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
        long[] counts;
        try (track) {
            counts = replay(reader, track);
        }
        return new Rebuilt(track.container(), counts[0], counts[1], track.frames(), track.dropped(), counts[2], counts[3]);
    }

    /**
     * Reads every record, reorders by extended sequence number, feeds {@code track}; returns {kept, late or duplicate,
     * arrivals of the first and the last packet in ms after the recording started}.
     */
    private static long[] replay(TrackFile.Reader reader, Track track) throws IOException {
        RtpPacket rtp = new RtpPacket();
        SequenceNumberUnwrapper seqs = new SequenceNumberUnwrapper();
        TreeMap<Long, byte[]> window = new TreeMap<>();
        long emitted = Long.MIN_VALUE;
        long kept = 0;
        long late = 0;
        int ssrc = 0;
        boolean first = true;
        long start = 0;
        long end = 0;
        Timestamps timestamps = new Timestamps();
        while (reader.next()) {
            if (!rtp.wrap(reader.packet(), 0, reader.length())) {
                late++;
                continue;
            }
            end = reader.arrivalMillis();
            if (first) {
                start = end;
                ssrc = rtp.ssrc();
                first = false;
            } else if (rtp.ssrc() != ssrc) {
                late++;
                continue;
            }
            long seq = seqs.unwrap(rtp.sequenceNumber());
            if (seq <= emitted || window.containsKey(seq)) {
                late++;
                continue;
            }
            window.put(seq, java.util.Arrays.copyOf(reader.packet(), reader.length()));
            if (window.size() > REORDER_WINDOW) {
                Map.Entry<Long, byte[]> e = window.pollFirstEntry();
                emitted = e.getKey();
                feed(rtp, e, timestamps, track);
                kept++;
            }
        }
        for (Map.Entry<Long, byte[]> e; (e = window.pollFirstEntry()) != null; ) {
            feed(rtp, e, timestamps, track);
            kept++;
        }
        track.end();
        return new long[] {kept, late, start, end};
    }

    private static void feed(RtpPacket rtp, Map.Entry<Long, byte[]> e, Timestamps timestamps, Track track) throws IOException {
        byte[] p = e.getValue();
        rtp.wrap(p, 0, p.length);
        track.packet(e.getKey(), timestamps.unwrap(rtp.timestamp()), rtp.marker(), p, rtp.payloadOffset(), rtp.payloadLength());
    }

    /** RTP timestamps extended past their 32-bit wrap, counted from the first one (in sequence order). */
    private static final class Timestamps {
        private long last;
        private long extended = -1;

        long unwrap(int ts) {
            if (extended < 0) {
                extended = 0;
            } else {
                extended += (int) (ts - (int) last);
            }
            last = ts & 0xFFFFFFFFL;
            return Math.max(0, extended);
        }
    }

    private void remux(Path in, Path out) throws IOException {
        List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-y", "-i",
                in.toString(), "-map", "0", "-c", "copy", out.toString()));
        Ffmpeg.run(command, line -> { }, FFMPEG_TIMEOUT_MINUTES, "remuxing " + in.getFileName());
    }

    private static OutputStream out(Path p) throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(p), 1 << 16);
    }

    /** One kind of track being rebuilt: packets in, frames out to an intermediate file. */
    private interface Track extends AutoCloseable {
        void packet(long seq, long timestamp, boolean marker, byte[] buf, int off, int len) throws IOException;

        void end() throws IOException;

        long frames();

        long dropped();

        String container();

        @Override
        void close() throws IOException;
    }

    private static final class OpusTrack implements Track {
        private final OggOpusWriter ogg;
        private final String container;
        private long frames;

        OpusTrack(OggOpusWriter ogg, String container) {
            this.ogg = ogg;
            this.container = container;
        }

        @Override
        public void packet(long seq, long timestamp, boolean marker, byte[] buf, int off, int len) throws IOException {
            int samples = OggOpusWriter.samples(buf, off, len);
            if (samples == 0) {
                return;
            }
            ogg.packet(buf, off, len, timestamp + samples);
            frames++;
        }

        @Override
        public void end() {
        }

        @Override
        public long frames() {
            return frames;
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public String container() {
            return container;
        }

        @Override
        public void close() throws IOException {
            ogg.close();
        }
    }

    private static final class VideoTrack implements Track, VideoDepacketizer.FrameSink {
        private final VideoDepacketizer video;
        private final IvfWriter ivf;
        /** One millisecond in clock ticks: WebM and MP4 count time in milliseconds. */
        private final long millisecond;
        private long lastPts = Long.MIN_VALUE;

        VideoTrack(VideoDepacketizer video, IvfWriter ivf, int clockRate) {
            this.video = video;
            this.ivf = ivf;
            this.millisecond = Math.max(1, clockRate / 1000);
        }

        @Override
        public void packet(long seq, long timestamp, boolean marker, byte[] buf, int off, int len) throws IOException {
            video.packet(seq, timestamp, marker, buf, off, len, this);
        }

        @Override
        public void frame(long timestamp, byte[] data, int len) throws IOException {
            // Two frames under one RTP timestamp, or within a millisecond, would share a WebM timestamp, which
            // muxers and players refuse as non-monotonic: each frame is kept (later ones predict from it) and
            // placed at least a millisecond after the one before.
            long pts = lastPts == Long.MIN_VALUE ? timestamp : Math.max(timestamp, lastPts + millisecond);
            lastPts = pts;
            ivf.frame(pts, data, 0, len);
        }

        @Override
        public void end() throws IOException {
            video.finish(this);
        }

        @Override
        public long frames() {
            return video.framesWritten;
        }

        @Override
        public long dropped() {
            return video.framesDropped;
        }

        @Override
        public String container() {
            return video.container();
        }

        @Override
        public void close() throws IOException {
            ivf.close();
        }
    }
}
