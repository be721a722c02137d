package io.atrium.webrtc.sdp;

/**
 * The one exception type of the SDP layer (RFC 8866): malformed or hostile SDP text, an offer that the
 * answerer cannot accept, or a caller error while building a description.
 *
 * <p>When the problem is tied to a line of parsed text, the message starts with
 * {@code SDP line N (excerpt):} and {@link #lineNumber()} returns that 1-based line number; otherwise
 * {@link #lineNumber()} is {@code 0}. Excerpts are shortened and stripped of control characters so that
 * hostile input cannot forge log lines.
 */
public final class SdpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Longest excerpt of an offending line quoted in a message. */
    static final int MAX_EXCERPT_LENGTH = 48;

    private final int lineNumber;

    /**
     * Creates an exception not tied to a line.
     *
     * @param message what is wrong, in words a person can act on
     */
    public SdpException(String message) {
        this(0, message);
    }

    private SdpException(int lineNumber, String message) {
        super(message);
        this.lineNumber = lineNumber;
    }

    /** Returns the 1-based line of the SDP text the problem was found on, or 0 when not tied to a line. */
    public int lineNumber() {
        return lineNumber;
    }

    /**
     * Returns this problem located at a line: a new exception whose message names the line number (when
     * positive) and quotes an excerpt of the line. An exception already located is returned unchanged.
     */
    SdpException at(int lineNumber, String lineText) {
        if (this.lineNumber != 0) {
            return this;
        }
        String where = lineNumber > 0 ? "SDP line " + lineNumber + " (" + excerpt(lineText) + "): "
                : "SDP (" + excerpt(lineText) + "): ";
        SdpException located = new SdpException(Math.max(lineNumber, 0), where + getMessage());
        located.setStackTrace(getStackTrace());
        return located;
    }

    /** Returns a printable, bounded excerpt of untrusted text for use in a message. */
    static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        int n = Math.min(text.length(), MAX_EXCERPT_LENGTH);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (text.length() > n) {
            sb.append("...");
        }
        return sb.toString();
    }
}
