package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits untrusted SDP text into lines and sections (RFC 8866 §5) within {@link SdpLimits}. Each limit
 * is checked before the work it bounds; a single pass over the text, no regular expressions.
 *
 * <pre>
 *  text    = line *(line)            line endings CRLF or LF (RFC 8866 §5 allows LF-only input)
 *  line    = type "=" value EOL      type a-z; value without NUL, CR, LF or other control characters
 *  session = "v=0" lines up to the first "m="; each "m=" starts a media section
 * </pre>
 */
final class SdpParser {

    private SdpParser() {
    }

    static SessionDescription parse(String text) {
        if (text == null) {
            throw new SdpException("SDP is null");
        }
        if (text.length() > SdpLimits.MAX_SDP_LENGTH) {
            throw new SdpException("SDP is " + text.length() + " characters, more than the limit of "
                    + SdpLimits.MAX_SDP_LENGTH);
        }
        List<SdpLine> lines = splitLines(text);
        if (lines.isEmpty()) {
            throw new SdpException("SDP is empty");
        }
        if (lines.get(0).type() != 'v') {
            throw new SdpException("SDP must start with v=0").at(1, lines.get(0).toString());
        }
        return assemble(lines);
    }

    private static List<SdpLine> splitLines(String text) {
        List<SdpLine> lines = new ArrayList<>();
        int n = text.length();
        int pos = 0;
        int number = 0;
        while (pos < n) {
            number++;
            if (number > SdpLimits.MAX_LINES) {
                throw new SdpException("SDP has more than " + SdpLimits.MAX_LINES + " lines").at(number, "");
            }
            int end = pos;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
                if (end - pos > SdpLimits.MAX_LINE_LENGTH) {
                    throw new SdpException("line is longer than " + SdpLimits.MAX_LINE_LENGTH + " characters")
                            .at(number, text.substring(pos, pos + SdpException.MAX_EXCERPT_LENGTH));
                }
            }
            int next;
            if (end == n) {
                next = n;
            } else if (text.charAt(end) == '\n') {
                next = end + 1;
            } else if (end + 1 < n && text.charAt(end + 1) == '\n') {
                next = end + 2;
            } else {
                throw new SdpException("carriage return without line feed; lines must end in CRLF or LF")
                        .at(number, text.substring(pos, end));
            }
            if (end == pos) {
                if (onlyLineBreaks(text, next)) {
                    break;
                }
                throw new SdpException("empty line inside the SDP").at(number, "");
            }
            lines.add(toLine(text.substring(pos, end), number));
            pos = next;
        }
        return lines;
    }

    private static boolean onlyLineBreaks(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    private static SdpLine toLine(String raw, int number) {
        if (raw.length() < 2 || raw.charAt(1) != '=') {
            throw new SdpException("line is not <type>=<value>").at(number, raw);
        }
        try {
            return new SdpLine(raw.charAt(0), raw.substring(2));
        } catch (SdpException e) {
            throw e.at(number, raw);
        }
    }

    /** Cuts the lines into the session section and media sections; line numbers are 1-based indexes. */
    private static SessionDescription assemble(List<SdpLine> lines) {
        int i = 0;
        while (i < lines.size() && lines.get(i).type() != 'm') {
            i++;
        }
        List<SdpLine> session = lines.subList(0, i);
        List<MediaDescription> media = new ArrayList<>();
        while (i < lines.size()) {
            int mIndex = i;
            if (media.size() == SdpLimits.MAX_MEDIA_SECTIONS) {
                throw new SdpException("SDP has more than " + SdpLimits.MAX_MEDIA_SECTIONS + " media sections")
                        .at(mIndex + 1, lines.get(mIndex).toString());
            }
            MediaLine mediaLine;
            try {
                mediaLine = MediaLine.parse(lines.get(mIndex).value());
            } catch (SdpException e) {
                throw e.at(mIndex + 1, lines.get(mIndex).toString());
            }
            i++;
            while (i < lines.size() && lines.get(i).type() != 'm') {
                i++;
            }
            media.add(new MediaDescription(mediaLine, lines.subList(mIndex + 1, i), mIndex + 2));
        }
        return new SessionDescription(session, media, 1);
    }
}
