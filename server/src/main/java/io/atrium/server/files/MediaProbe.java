package io.atrium.server.files;

import java.io.IOException;

/**
 * Detects the container of a video file from its content (never its name or declared type) and
 * reads its duration: MP4/QuickTime ({@link Mp4Probe}) or WebM/Matroska ({@link MatroskaProbe}).
 * Anything else, and any truncated or damaged file, is a {@link MediaFormatException}; no other
 * exception escapes for bad input (only an {@link IOException} when the bytes cannot be read).
 */
public final class MediaProbe {

    /** How many leading bytes {@link #sniff} needs. */
    public static final int SNIFF_BYTES = 8;

    private MediaProbe() {
    }

    /** True when the first bytes could start an accepted file; a cheap check before storing an upload. */
    public static boolean sniff(byte[] head, int length) {
        return Mp4Probe.sniff(head, length) || MatroskaProbe.sniff(head, length);
    }

    public static MediaInfo probe(ByteSource source) throws IOException, MediaFormatException {
        byte[] head = new byte[(int) Math.min(SNIFF_BYTES, source.size())];
        source.read(0, head, 0, head.length);
        try {
            if (MatroskaProbe.sniff(head, head.length)) {
                return MatroskaProbe.probe(source);
            }
            if (Mp4Probe.sniff(head, head.length)) {
                return Mp4Probe.probe(source);
            }
        } catch (RuntimeException e) {
            // a parser bug on hostile input must not become a 500; the fuzz test keeps this path unused
            throw new MediaFormatException("the file cannot be parsed (" + e.getClass().getSimpleName() + ")");
        }
        throw new MediaFormatException("not an MP4, QuickTime, WebM or Matroska file");
    }
}
