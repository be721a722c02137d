package io.atrium.server.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Reads the container and duration of a Matroska or WebM file (RFC 8794 EBML, RFC 9559 Matroska).
 *
 * <pre>
 * element:   ID (VINT, 1-4 bytes, marker kept) | data size (VINT, 1-8 bytes; all value bits 1 = unknown) | data
 * file:      EBML header 1A45DFA3 { DocType 4282 = "webm" | "matroska" } | Segment 18538067 { ... }
 * Segment:   SeekHead 114D9B74 | Info 1549A966 { TimestampScale 2AD7B1 (uint, ns, default 1000000),
 *            Duration 4489 (float 4/8 bytes, in TimestampScale units) } | Tracks 1654AE6B | Cluster 1F43B675 | ...
 * Cluster:   Timestamp E7 (uint) | SimpleBlock A3 / BlockGroup A0 { Block A1, BlockDuration 9B }
 * Block:     track number (VINT) | timestamp relative to the cluster (int16) | flags | frames
 * </pre>
 *
 * Every level-1 element of the Segment is walked (sizes must fit the Segment, which must fit the file),
 * and Tracks must be present. Duration is Info/Duration × TimestampScale; a file without it (live
 * recordings such as a browser's MediaRecorder, with unknown-size Segment and Clusters) gets the
 * latest block time (plus its BlockDuration) from the clusters instead.
 */
final class MatroskaProbe {

    static final int MAX_ELEMENTS = 2_000_000;
    static final long EBML = 0x1A45DFA3L;
    private static final long DOC_TYPE = 0x4282;
    private static final long SEGMENT = 0x18538067L;
    private static final long INFO = 0x1549A966L;
    private static final long TRACKS = 0x1654AE6BL;
    private static final long CLUSTER = 0x1F43B675L;
    private static final long TIMESTAMP_SCALE = 0x2AD7B1;
    private static final long DURATION = 0x4489;
    private static final long TIMESTAMP = 0xE7;
    private static final long SIMPLE_BLOCK = 0xA3;
    private static final long BLOCK_GROUP = 0xA0;
    private static final long BLOCK = 0xA1;
    private static final long BLOCK_DURATION = 0x9B;
    private static final long VOID = 0xEC;
    private static final long CRC32 = 0xBF;
    /** IDs that may follow a Cluster at level 1, ending an unknown-size Cluster. */
    private static final Set<Long> LEVEL_1 = Set.of(0x114D9B74L, INFO, TRACKS, CLUSTER, 0x1C53BB6BL, 0x1941A469L,
            0x1043A770L, 0x1254C367L, VOID, CRC32);

    private record Element(long id, long start, long data, long end, boolean unknownSize) {
        long dataSize() {
            return end - data;
        }
    }

    private final SourceReader in;
    private long timestampScale = 1_000_000;
    private Double infoDuration;
    private boolean infoSeen;
    private boolean tracksSeen;
    private long latestBlockEnd = -1;

    private MatroskaProbe(ByteSource source) {
        this.in = new SourceReader(source, MAX_ELEMENTS);
    }

    /** True when the file starts with the EBML magic number. */
    static boolean sniff(byte[] head, int length) {
        return length >= 4 && (head[0] & 0xFF) == 0x1A && (head[1] & 0xFF) == 0x45 && (head[2] & 0xFF) == 0xDF
                && (head[3] & 0xFF) == 0xA3;
    }

    static MediaInfo probe(ByteSource source) throws IOException, MediaFormatException {
        return new MatroskaProbe(source).probe();
    }

    private MediaInfo probe() throws IOException, MediaFormatException {
        Element header = element(0, in.size(), false);
        if (header.id != EBML) {
            throw new MediaFormatException("not an EBML file");
        }
        Container container = docType(header);
        long position = header.end;
        Element segment = null;
        while (segment == null) {
            if (position >= in.size()) {
                throw new MediaFormatException("no Segment after the EBML header (truncated?)");
            }
            Element e = element(position, in.size(), true);
            if (e.id == SEGMENT) {
                segment = e;
            } else if (e.id == VOID || e.id == CRC32) {
                position = e.end;
            } else {
                throw new MediaFormatException("unexpected element " + Long.toHexString(e.id) + " before the Segment");
            }
        }
        segment(segment);
        if (!infoSeen || !tracksSeen) {
            throw new MediaFormatException("the Segment has no " + (infoSeen ? "Tracks" : "Info") + " (truncated?)");
        }
        double seconds;
        if (infoDuration != null) {
            seconds = infoDuration * timestampScale / 1e9;
        } else if (latestBlockEnd >= 0) {
            seconds = latestBlockEnd * (double) timestampScale / 1e9;
        } else {
            throw new MediaFormatException("no Duration in Info and no blocks to measure");
        }
        if (!Double.isFinite(seconds) || seconds <= 0) {
            throw new MediaFormatException("the duration is not a positive number");
        }
        return new MediaInfo(container, seconds);
    }

    private Container docType(Element header) throws IOException, MediaFormatException {
        if (header.unknownSize || header.dataSize() > 4096) {
            throw new MediaFormatException("malformed EBML header");
        }
        String docType = null;
        for (long p = header.data; p < header.end; ) {
            Element e = element(p, header.end, false);
            if (e.id == DOC_TYPE) {
                if (e.dataSize() > 64) {
                    throw new MediaFormatException("malformed DocType");
                }
                docType = new String(in.bytes(e.data, (int) e.dataSize()), StandardCharsets.US_ASCII).replace("\0", "");
            }
            p = e.end;
        }
        if ("webm".equals(docType)) {
            return Container.WEBM;
        }
        if ("matroska".equals(docType)) {
            return Container.MATROSKA;
        }
        throw new MediaFormatException("EBML DocType " + (docType == null ? "is missing" : "'" + docType.replaceAll("[^ -~]", "?")
                + "' is not webm or matroska"));
    }

    private void segment(Element segment) throws IOException, MediaFormatException {
        for (long p = segment.data; p < segment.end; ) {
            Element e = element(p, segment.end, true);
            if (e.id == CLUSTER) {
                p = cluster(e, segment.end);
                continue;
            }
            if (e.unknownSize) {
                throw new MediaFormatException("element " + Long.toHexString(e.id) + " has an unknown size");
            }
            if (e.id == INFO) {
                info(e);
            } else if (e.id == TRACKS) {
                tracksSeen = true;
            }
            p = e.end;
        }
    }

    private void info(Element info) throws IOException, MediaFormatException {
        if (infoSeen) {
            throw new MediaFormatException("two Info elements");
        }
        infoSeen = true;
        for (long p = info.data; p < info.end; ) {
            Element e = element(p, info.end, false);
            if (e.id == TIMESTAMP_SCALE) {
                timestampScale = uint(e);
                if (timestampScale <= 0) {
                    throw new MediaFormatException("TimestampScale must be positive");
                }
            } else if (e.id == DURATION) {
                double d = switch ((int) e.dataSize()) {
                    case 0 -> 0.0;
                    case 4 -> Float.intBitsToFloat((int) in.u32(e.data));
                    case 8 -> Double.longBitsToDouble(in.uint(e.data, 8));
                    default -> throw new MediaFormatException("Duration must be a 4- or 8-byte float");
                };
                if (!Double.isFinite(d) || d < 0) {
                    throw new MediaFormatException("Duration is not a finite positive number");
                }
                infoDuration = d;
            }
            p = e.end;
        }
    }

    /** Reads the block times of a cluster and returns where it ends (found by parsing when its size is unknown). */
    private long cluster(Element cluster, long limit) throws IOException, MediaFormatException {
        long clusterTime = 0;
        long p = cluster.data;
        while (p < cluster.end) {
            Element e = element(p, cluster.end, true);
            if (cluster.unknownSize && LEVEL_1.contains(e.id) && e.id != VOID && e.id != CRC32) {
                return p;
            }
            if (e.unknownSize) {
                throw new MediaFormatException("element " + Long.toHexString(e.id) + " in a Cluster has an unknown size");
            }
            if (e.id == TIMESTAMP) {
                clusterTime = uint(e);
            } else if (e.id == SIMPLE_BLOCK) {
                block(e, clusterTime, 0);
            } else if (e.id == BLOCK_GROUP) {
                blockGroup(e, clusterTime);
            }
            p = e.end;
        }
        return Math.min(p, limit);
    }

    private void blockGroup(Element group, long clusterTime) throws IOException, MediaFormatException {
        Element block = null;
        long duration = 0;
        for (long p = group.data; p < group.end; ) {
            Element e = element(p, group.end, false);
            if (e.id == BLOCK) {
                block = e;
            } else if (e.id == BLOCK_DURATION) {
                duration = uint(e);
            }
            p = e.end;
        }
        if (block != null) {
            block(block, clusterTime, duration);
        }
    }

    private void block(Element block, long clusterTime, long duration) throws IOException, MediaFormatException {
        byte[] head = in.upTo(block.data, (int) Math.min(11, block.dataSize()));
        int trackLength = head.length == 0 ? 0 : Integer.numberOfLeadingZeros(head[0] & 0xFF) - 23;
        if (head.length == 0 || trackLength > 8 || head.length < trackLength + 3) {
            throw new MediaFormatException("malformed block at byte " + block.start);
        }
        short relative = (short) ((head[trackLength] & 0xFF) << 8 | head[trackLength + 1] & 0xFF);
        long end = clusterTime + relative + Math.max(0, duration);
        if (end > latestBlockEnd && clusterTime >= 0 && duration >= 0) {
            latestBlockEnd = end;
        }
    }

    private long uint(Element e) throws IOException, MediaFormatException {
        if (e.dataSize() == 0) {
            return 0;
        }
        if (e.dataSize() > 8) {
            throw new MediaFormatException("an unsigned integer of " + e.dataSize() + " bytes");
        }
        return in.uint(e.data, (int) e.dataSize());
    }

    /** The element at {@code start}, whose data must end within {@code limit} (or run to it, if unknown-size and allowed). */
    private Element element(long start, long limit, boolean unknownSizeAllowed) throws IOException, MediaFormatException {
        in.step();
        byte[] head = in.upTo(start, (int) Math.min(12, limit - start));
        if (head.length == 0) {
            throw new MediaFormatException("the file is truncated (an element at byte " + start + ")");
        }
        int idLength = Integer.numberOfLeadingZeros(head[0] & 0xFF) - 23;
        if (idLength > 4) {
            throw new MediaFormatException("invalid element ID at byte " + start);
        }
        if (head.length < idLength + 1) {
            throw new MediaFormatException("the file is truncated (an element at byte " + start + ")");
        }
        long id = 0;
        for (int i = 0; i < idLength; i++) {
            id = id << 8 | (head[i] & 0xFF);
        }
        int first = head[idLength] & 0xFF;
        int sizeLength = Integer.numberOfLeadingZeros(first) - 23;
        if (sizeLength > 8 || head.length < idLength + sizeLength) {
            throw new MediaFormatException(sizeLength > 8 ? "invalid element size at byte " + start
                    : "the file is truncated (an element at byte " + start + ")");
        }
        long size = first & (0xFF >>> sizeLength);
        boolean allOnes = size == (0xFF >>> sizeLength);
        for (int i = 1; i < sizeLength; i++) {
            int b = head[idLength + i] & 0xFF;
            allOnes &= b == 0xFF;
            size = size << 8 | b;
        }
        long data = start + idLength + sizeLength;
        if (allOnes) {
            if (!unknownSizeAllowed) {
                throw new MediaFormatException("element " + Long.toHexString(id) + " at byte " + start + " has an unknown size");
            }
            return new Element(id, start, data, limit, true);
        }
        if (size > limit - data) {
            throw new MediaFormatException("element " + Long.toHexString(id) + " at byte " + start + " has size " + size
                    + ", past the end of its parent or the file (truncated?)");
        }
        return new Element(id, start, data, data + size, false);
    }
}
