package io.atrium.webrtc.sdp;

import java.util.List;

/**
 * The media grouping attribute (RFC 5888 §5), e.g. {@code BUNDLE} (RFC 9143 §7.1) or {@code LS}.
 *
 * <pre>
 *  a=group:&lt;semantics&gt; *(SP &lt;identification-tag&gt;)
 *  a=group:BUNDLE 0 1 2
 * </pre>
 *
 * @param semantics the semantics, e.g. {@code BUNDLE}
 * @param mids      the identification tags ({@code a=mid} values) in order
 */
public record Group(String semantics, List<String> mids) implements SdpAttribute {

    /** BUNDLE semantics (RFC 9143). */
    public static final String BUNDLE = "BUNDLE";

    /** Validates the fields; copies the list. */
    public Group {
        SdpText.token(semantics, "group semantics");
        mids = List.copyOf(mids);
        for (String m : mids) {
            SdpText.token(m, SdpLimits.MAX_ID_LENGTH, "group mid");
        }
    }

    /** Parses the value of {@code a=group}. */
    public static Group parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.isEmpty()) {
            throw new SdpException("a=group needs '<semantics> <mid> ...'");
        }
        return new Group(t.get(0), t.subList(1, t.size()));
    }

    @Override
    public String attributeName() {
        return "group";
    }

    @Override
    public String attributeValue() {
        return mids.isEmpty() ? semantics : semantics + " " + String.join(" ", mids);
    }
}
