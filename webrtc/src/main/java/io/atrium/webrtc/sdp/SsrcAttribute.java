package io.atrium.webrtc.sdp;

/**
 * A source-specific attribute (RFC 5576 §4.1).
 *
 * <pre>
 *  a=ssrc:&lt;ssrc-id&gt; &lt;attribute&gt;[:&lt;value&gt;]
 *  a=ssrc:3735928559 cname:4TOk42mSjXCkVIa6
 *  a=ssrc:3735928559 msid:stream track
 * </pre>
 *
 * @param ssrc  the SSRC, 0 to 2^32-1
 * @param name  the source attribute name, e.g. {@code cname}
 * @param value the source attribute value, or null for a property
 */
public record SsrcAttribute(long ssrc, String name, String value) implements SdpAttribute {

    /**
     * Validates the SSRC and the name; the value is opaque text (RFC 5576 §4.1: its syntax is the named
     * attribute's), so a legacy or malformed {@code msid:} value does not make the line invalid.
     */
    public SsrcAttribute {
        checkSsrc(ssrc);
        SdpText.token(name, "ssrc attribute name");
        if (value != null && name.equals("cname")) {
            SdpText.word(value.strip(), "ssrc cname");
        }
    }

    static long checkSsrc(long ssrc) {
        if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
            throw new SdpException("ssrc " + ssrc + " is out of range 0-4294967295");
        }
        return ssrc;
    }

    /** Parses the value of {@code a=ssrc}. */
    public static SsrcAttribute parse(String value) {
        int sp = SdpText.indexOfSpace(value);
        if (sp < 0) {
            throw new SdpException("a=ssrc needs '<ssrc> <attribute>[:<value>]'");
        }
        long ssrc = SdpText.parseLong(value.substring(0, sp), 0, 0xFFFF_FFFFL, "ssrc");
        String attr = value.substring(sp + 1).strip();
        int colon = attr.indexOf(':');
        return colon < 0 ? new SsrcAttribute(ssrc, attr, null)
                : new SsrcAttribute(ssrc, attr.substring(0, colon), attr.substring(colon + 1));
    }

    @Override
    public String attributeName() {
        return "ssrc";
    }

    @Override
    public String attributeValue() {
        return value == null ? ssrc + " " + name : ssrc + " " + name + ":" + value;
    }
}
