package io.atrium.server.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the container and duration of an ISO BMFF file (ISO/IEC 14496-12: MP4) or a QuickTime movie.
 * Walks every top-level box (so a truncated or padded-with-garbage file is refused), requires
 * {@code ftyp} first (or, for old QuickTime files, one of the QuickTime top-level atoms), and reads
 * the duration from {@code moov/mvhd}:
 *
 * <pre>
 * box:       size (u32; 1 = u64 largesize follows the type; 0 = to the end) | type (4 chars) | payload
 * ftyp:      major_brand (4) | minor_version (u32) | compatible_brands (4 each)   brand "qt  " = QuickTime
 * mvhd v0:   version (1) | flags (3) | creation (u32) | modification (u32) | timescale (u32) | duration (u32)
 * mvhd v1:   version (1) | flags (3) | creation (u64) | modification (u64) | timescale (u32) | duration (u64)
 * </pre>
 *
 * A fragmented MP4 (mvhd duration 0, as written by live recorders) takes its duration from
 * {@code moov/mvex/mehd}, else from its fragments: per track, the latest {@code tfdt} decode time plus
 * the {@code trun} sample durations (or {@code tfhd}/{@code trex} defaults), over the track's
 * {@code mdhd} timescale.
 */
final class Mp4Probe {

    static final int MAX_BOXES = 200_000;
    private static final Set<String> QUICKTIME_ATOMS = Set.of("moov", "mdat", "wide", "free", "skip", "pnot");
    /** Still-image formats built on ISO BMFF: HEIF, AVIF, Canon raw. */
    private static final Set<String> IMAGE_BRANDS = Set.of("mif1", "msf1", "heic", "heix", "heim", "heis", "hevc",
            "hevx", "avif", "avis", "crx ");

    private record Box(String type, long start, long payload, long end) {
        long payloadSize() {
            return end - payload;
        }
    }

    /** Per-track state for fragmented files. */
    private static final class Track {
        long timescale;
        long defaultSampleDuration;
        long nextDecodeTime;
        long endTime;
    }

    private final SourceReader in;
    private final Map<Long, Track> tracks = new HashMap<>();

    private Mp4Probe(ByteSource source) {
        this.in = new SourceReader(source, MAX_BOXES);
    }

    /** True when the first bytes look like an MP4 or QuickTime file (box type at offset 4). */
    static boolean sniff(byte[] head, int length) {
        if (length < 8) {
            return false;
        }
        String type = new String(head, 4, 4, StandardCharsets.ISO_8859_1);
        return type.equals("ftyp") || QUICKTIME_ATOMS.contains(type);
    }

    static MediaInfo probe(ByteSource source) throws IOException, MediaFormatException {
        return new Mp4Probe(source).probe();
    }

    private MediaInfo probe() throws IOException, MediaFormatException {
        Container container = null;
        Double movieDuration = null;
        boolean fragments = false;
        long position = 0;
        while (position < in.size()) {
            Box box = box(position, in.size());
            if (container == null) {
                container = firstBox(box);
            } else if (box.type.equals("ftyp")) {
                throw new MediaFormatException("a second ftyp box at byte " + box.start);
            }
            if (box.type.equals("moov")) {
                if (movieDuration != null) {
                    throw new MediaFormatException("two moov boxes");
                }
                movieDuration = moov(box);
            } else if (box.type.equals("moof")) {
                if (movieDuration == null) {
                    throw new MediaFormatException("a movie fragment (moof) before the moov box");
                }
                fragments = true;
                moof(box);
            }
            position = box.end;
        }
        if (container == null) {
            throw new MediaFormatException("the file is empty");
        }
        if (movieDuration == null) {
            throw new MediaFormatException("no moov box: not a complete MP4/QuickTime file");
        }
        double seconds = movieDuration;
        if (seconds == 0 && fragments) {
            seconds = fragmentDuration();
        }
        if (seconds <= 0) {
            throw new MediaFormatException("the file states no duration (mvhd duration 0 and no fragments)");
        }
        return new MediaInfo(container, seconds);
    }

    private Container firstBox(Box box) throws IOException, MediaFormatException {
        if (QUICKTIME_ATOMS.contains(box.type)) {
            return Container.QUICKTIME;
        }
        if (!box.type.equals("ftyp")) {
            throw new MediaFormatException("not an MP4/QuickTime file (first box is not ftyp)");
        }
        if (box.payloadSize() < 8 || box.payloadSize() > 4096 || box.payloadSize() % 4 != 0) {
            throw new MediaFormatException("malformed ftyp box");
        }
        String major = new String(in.bytes(box.payload, 4), StandardCharsets.ISO_8859_1);
        if (major.equals("qt  ")) {
            return Container.QUICKTIME;
        }
        if (IMAGE_BRANDS.contains(major)) {
            throw new MediaFormatException("an image file (brand '" + major.trim() + "'), not a video");
        }
        return Container.MP4;
    }

    /** The movie duration in seconds from mvhd (or mehd); 0 when the header says it is unknown. */
    private double moov(Box moov) throws IOException, MediaFormatException {
        Double mvhd = null;
        long movieTimescale = 0;
        long fragmentDuration = 0;
        for (long p = moov.payload; p < moov.end; ) {
            Box child = box(p, moov.end);
            switch (child.type) {
                case "mvhd" -> {
                    if (mvhd != null) {
                        throw new MediaFormatException("two mvhd boxes");
                    }
                    int version = in.u8(child.payload);
                    long need = version == 1 ? 32 : 20;
                    if (version > 1 || child.payloadSize() < need) {
                        throw new MediaFormatException("malformed mvhd box (version " + version + ")");
                    }
                    long at = child.payload + (version == 1 ? 20 : 12);
                    movieTimescale = in.u32(at);
                    long duration = version == 1 ? in.uint(at + 4, 8) : in.u32(at + 4);
                    if (movieTimescale == 0) {
                        throw new MediaFormatException("mvhd timescale is 0");
                    }
                    boolean unknown = version == 1 ? duration == -1L : duration == 0xFFFF_FFFFL;
                    if (duration < 0 && !unknown) {
                        throw new MediaFormatException("mvhd duration out of range");
                    }
                    mvhd = unknown ? 0.0 : duration / (double) movieTimescale;
                }
                case "mvex" -> fragmentDuration = mvex(child);
                case "trak" -> trak(child);
                default -> {
                    // other movie boxes are not needed
                }
            }
            p = child.end;
        }
        if (mvhd == null) {
            throw new MediaFormatException("the moov box has no mvhd box");
        }
        if (mvhd == 0 && fragmentDuration > 0) {
            return fragmentDuration / (double) movieTimescale;
        }
        return mvhd;
    }

    /** mehd's fragment_duration (movie timescale), 0 when absent; records trex default durations. */
    private long mvex(Box mvex) throws IOException, MediaFormatException {
        long duration = 0;
        for (long p = mvex.payload; p < mvex.end; ) {
            Box child = box(p, mvex.end);
            if (child.type.equals("mehd")) {
                int version = in.u8(child.payload);
                if (version > 1 || child.payloadSize() < (version == 1 ? 12 : 8)) {
                    throw new MediaFormatException("malformed mehd box");
                }
                duration = version == 1 ? in.uint(child.payload + 4, 8) : in.u32(child.payload + 4);
                if (duration < 0) {
                    duration = 0;
                }
            } else if (child.type.equals("trex")) {
                if (child.payloadSize() < 24) {
                    throw new MediaFormatException("malformed trex box");
                }
                track(in.u32(child.payload + 4)).defaultSampleDuration = in.u32(child.payload + 12);
            }
            p = child.end;
        }
        return duration;
    }

    /** Records a track's id and media timescale (tkhd, mdia/mdhd), needed only for fragments. */
    private void trak(Box trak) throws IOException, MediaFormatException {
        Long id = null;
        long timescale = 0;
        for (long p = trak.payload; p < trak.end; ) {
            Box child = box(p, trak.end);
            if (child.type.equals("tkhd")) {
                int version = in.u8(child.payload);
                if (version > 1 || child.payloadSize() < (version == 1 ? 24 : 16)) {
                    throw new MediaFormatException("malformed tkhd box");
                }
                id = in.u32(child.payload + (version == 1 ? 20 : 12));
            } else if (child.type.equals("mdia")) {
                for (long q = child.payload; q < child.end; ) {
                    Box m = box(q, child.end);
                    if (m.type.equals("mdhd")) {
                        int version = in.u8(m.payload);
                        if (version > 1 || m.payloadSize() < (version == 1 ? 24 : 16)) {
                            throw new MediaFormatException("malformed mdhd box");
                        }
                        timescale = in.u32(m.payload + (version == 1 ? 20 : 12));
                    }
                    q = m.end;
                }
            }
            p = child.end;
        }
        if (id != null) {
            track(id).timescale = timescale;
        }
    }

    private void moof(Box moof) throws IOException, MediaFormatException {
        for (long p = moof.payload; p < moof.end; ) {
            Box traf = box(p, moof.end);
            if (traf.type.equals("traf")) {
                traf(traf);
            }
            p = traf.end;
        }
    }

    private void traf(Box traf) throws IOException, MediaFormatException {
        Track track = null;
        long defaultDuration = 0;
        for (long p = traf.payload; p < traf.end; ) {
            Box child = box(p, traf.end);
            switch (child.type) {
                case "tfhd" -> {
                    if (child.payloadSize() < 8) {
                        throw new MediaFormatException("malformed tfhd box");
                    }
                    long flags = in.u32(child.payload) & 0xFF_FFFF;
                    track = track(in.u32(child.payload + 4));
                    defaultDuration = track.defaultSampleDuration;
                    long at = child.payload + 8 + ((flags & 0x01) != 0 ? 8 : 0) + ((flags & 0x02) != 0 ? 4 : 0);
                    if ((flags & 0x08) != 0) {
                        defaultDuration = in.u32(at);
                    }
                }
                case "tfdt" -> {
                    requireTrack(track);
                    int version = in.u8(child.payload);
                    if (version > 1 || child.payloadSize() < (version == 1 ? 12 : 8)) {
                        throw new MediaFormatException("malformed tfdt box");
                    }
                    long time = version == 1 ? in.uint(child.payload + 4, 8) : in.u32(child.payload + 4);
                    if (time < 0) {
                        throw new MediaFormatException("tfdt decode time out of range");
                    }
                    track.nextDecodeTime = time;
                }
                case "trun" -> {
                    requireTrack(track);
                    trun(child, track, defaultDuration);
                }
                default -> {
                    // sample groups, encryption info: not needed
                }
            }
            p = child.end;
        }
    }

    private static void requireTrack(Track track) throws MediaFormatException {
        if (track == null) {
            throw new MediaFormatException("a track fragment without tfhd");
        }
    }

    private void trun(Box trun, Track track, long defaultDuration) throws IOException, MediaFormatException {
        if (trun.payloadSize() < 8) {
            throw new MediaFormatException("malformed trun box");
        }
        long flags = in.u32(trun.payload) & 0xFF_FFFF;
        long count = in.u32(trun.payload + 4);
        long at = trun.payload + 8 + ((flags & 0x01) != 0 ? 4 : 0) + ((flags & 0x04) != 0 ? 4 : 0);
        int perSample = Long.bitCount(flags & 0xF00) * 4;
        if (count * perSample > trun.end - at) {
            throw new MediaFormatException("trun sample count " + count + " does not fit its box");
        }
        long total;
        if ((flags & 0x100) != 0) {
            total = 0;
            for (long i = 0; i < count; i++, at += perSample) {
                in.step();
                total += in.u32(at);
            }
        } else {
            total = count * defaultDuration;
        }
        track.nextDecodeTime += total;
        track.endTime = Math.max(track.endTime, track.nextDecodeTime);
    }

    private double fragmentDuration() {
        double seconds = 0;
        for (Track t : tracks.values()) {
            if (t.timescale > 0) {
                seconds = Math.max(seconds, t.endTime / (double) t.timescale);
            }
        }
        return seconds;
    }

    private Track track(long id) throws MediaFormatException {
        Track t = tracks.get(id);
        if (t == null) {
            if (tracks.size() >= 64) {
                throw new MediaFormatException("more than 64 tracks");
            }
            t = new Track();
            tracks.put(id, t);
        }
        return t;
    }

    /** The box at {@code start}, which must end within {@code limit}. */
    private Box box(long start, long limit) throws IOException, MediaFormatException {
        in.step();
        if (limit - start < 8) {
            throw new MediaFormatException("the file is truncated or has trailing bytes (" + (limit - start)
                    + " bytes at " + start + " are too few for a box)");
        }
        long size = in.u32(start);
        String type = new String(in.bytes(start + 4, 4), StandardCharsets.ISO_8859_1);
        long header = 8;
        if (size == 1) {
            size = in.uint(start + 8, 8);
            header = 16;
        } else if (size == 0) {
            size = limit - start;
        }
        if (size < header || size > limit - start) {
            throw new MediaFormatException("box '" + printable(type) + "' at byte " + start + " has size " + size
                    + (size > limit - start ? ", past the end of " + (start == 0 ? "the file" : "its parent") + " (truncated?)" : ""));
        }
        return new Box(type, start, start + header, start + size);
    }

    private static String printable(String type) {
        StringBuilder b = new StringBuilder();
        for (char c : type.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return b.toString();
    }
}
