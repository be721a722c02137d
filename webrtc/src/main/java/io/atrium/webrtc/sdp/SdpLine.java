package io.atrium.webrtc.sdp;

/**
 * One line of an SDP text, {@code <type>=<value>} (RFC 8866 §5).
 *
 * <pre>
 *  type  "="  value                       CRLF
 *  a     =    rtpmap:111 opus/48000/2     (a single lower-case letter, then the value)
 * </pre>
 *
 * The value is kept verbatim so that unknown lines and attributes survive a parse/write round trip.
 *
 * @param type  the line type letter, {@code a}-{@code z}
 * @param value the text after {@code =}; never contains CR, LF or NUL
 */
public record SdpLine(char type, String value) {

    /** Validates the type letter and the value (no line breaks, bounded length). */
    public SdpLine {
        if (type < 'a' || type > 'z') {
            throw new SdpException("line type '" + SdpException.excerpt(String.valueOf(type))
                    + "' is not a lower-case letter");
        }
        if (value == null) {
            throw new SdpException("line " + type + "= has no value");
        }
        if (value.length() + 2 > SdpLimits.MAX_LINE_LENGTH) {
            throw new SdpException("line is longer than " + SdpLimits.MAX_LINE_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t') {
                throw new SdpException("line " + type + "= contains control character 0x"
                        + Integer.toHexString(c) + " at column " + (i + 3));
            }
        }
    }

    /** Returns an attribute line {@code a=name:value}, or the property attribute {@code a=name} when value is null. */
    public static SdpLine attribute(String name, String value) {
        return new SdpLine('a', value == null ? name : name + ":" + value);
    }

    /** Returns the line as written, without line ending. */
    @Override
    public String toString() {
        return type + "=" + value;
    }
}
