package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * A grouping of SSRCs (RFC 5576 §4.2); {@code FID} pairs a media SSRC with its RTX SSRC (RFC 4588 §8),
 * {@code SIM} lists simulcast SSRCs.
 *
 * <pre>
 *  a=ssrc-group:&lt;semantics&gt; &lt;ssrc-id&gt; ...
 *  a=ssrc-group:FID 2231627014 632943048
 * </pre>
 *
 * @param semantics the semantics, e.g. {@code FID}, {@code SIM}, {@code FEC-FR}
 * @param ssrcs     the SSRCs in order, at least one
 */
public record SsrcGroup(String semantics, List<Long> ssrcs) implements SdpAttribute {

    /** Semantics pairing a media SSRC with its RTX SSRC. */
    public static final String FID = "FID";
    /** Semantics listing simulcast SSRCs. */
    public static final String SIM = "SIM";

    /** Validates the fields; copies the list. */
    public SsrcGroup {
        SdpText.token(semantics, "ssrc-group semantics");
        ssrcs = List.copyOf(ssrcs);
        if (ssrcs.isEmpty()) {
            throw new SdpException("a=ssrc-group:" + semantics + " lists no ssrc");
        }
        for (long s : ssrcs) {
            SsrcAttribute.checkSsrc(s);
        }
    }

    /** Parses the value of {@code a=ssrc-group}. */
    public static SsrcGroup parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() < 2) {
            throw new SdpException("a=ssrc-group needs '<semantics> <ssrc> ...'");
        }
        List<Long> ssrcs = new ArrayList<>(t.size() - 1);
        for (String s : t.subList(1, t.size())) {
            ssrcs.add(SdpText.parseLong(s, 0, 0xFFFF_FFFFL, "ssrc-group ssrc"));
        }
        return new SsrcGroup(t.get(0), ssrcs);
    }

    @Override
    public String attributeName() {
        return "ssrc-group";
    }

    @Override
    public String attributeValue() {
        StringBuilder sb = new StringBuilder(semantics);
        for (long s : ssrcs) {
            sb.append(' ').append(s);
        }
        return sb.toString();
    }
}
