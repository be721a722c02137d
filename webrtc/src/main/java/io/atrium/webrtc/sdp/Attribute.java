package io.atrium.webrtc.sdp;

/**
 * A generic attribute, the value of an {@code a=} line (RFC 8866 §5.13).
 *
 * <pre>
 *  a=&lt;attribute-name&gt;                    property attribute (value is null)
 *  a=&lt;attribute-name&gt;:&lt;attribute-value&gt;  value attribute
 * </pre>
 *
 * @param name  the attribute name, a token
 * @param value the text after the first colon, or null for a property attribute
 */
public record Attribute(String name, String value) {

    /** Validates the name. */
    public Attribute {
        SdpText.token(name, "attribute name");
    }

    /** Parses the value of an {@code a=} line. */
    public static Attribute parse(String lineValue) {
        int colon = lineValue.indexOf(':');
        if (colon < 0) {
            return new Attribute(lineValue, null);
        }
        return new Attribute(lineValue.substring(0, colon), lineValue.substring(colon + 1));
    }

    /** Returns true for a property attribute such as {@code a=rtcp-mux}. */
    public boolean isFlag() {
        return value == null;
    }

    /** Returns the attribute as an {@code a=} line. */
    public SdpLine toLine() {
        return SdpLine.attribute(name, value);
    }
}
