package io.atrium.webrtc.sdp;

import java.util.List;

/**
 * The RTCP feedback capability attribute (RFC 4585 §4.2, {@code ccm} RFC 5104 §7.1).
 *
 * <pre>
 *  a=rtcp-fb:&lt;payload type | *&gt; &lt;type&gt; [&lt;parameter&gt;...]
 *  a=rtcp-fb:96 nack pli
 *  a=rtcp-fb:96 transport-cc
 *  a=rtcp-fb:* ccm fir
 * </pre>
 *
 * @param payloadType the payload type, or {@link #WILDCARD} for {@code *}
 * @param type        the feedback type, e.g. {@code nack}, {@code ccm}, {@code goog-remb}
 * @param parameter   the rest, e.g. {@code pli} or {@code fir}; empty when none
 */
public record RtcpFeedback(int payloadType, String type, String parameter) implements SdpAttribute {

    /** The payload type value standing for {@code *}. */
    public static final int WILDCARD = -1;

    /** Validates the fields. */
    public RtcpFeedback {
        if (payloadType < WILDCARD || payloadType > 127) {
            throw new SdpException("rtcp-fb payload type " + payloadType + " is out of range 0-127");
        }
        SdpText.token(type, "rtcp-fb type");
        for (String p : SdpText.split(parameter)) {
            SdpText.word(p, "rtcp-fb parameter");
        }
    }

    /** Parses the value of {@code a=rtcp-fb}. */
    public static RtcpFeedback parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() < 2) {
            throw new SdpException("a=rtcp-fb needs '<payload type> <type> [<parameter>]'");
        }
        int pt = t.get(0).equals("*") ? WILDCARD : SdpText.payloadType(t.get(0));
        return new RtcpFeedback(pt, t.get(1), String.join(" ", t.subList(2, t.size())));
    }

    /** Returns the feedback as {@code type} or {@code type parameter}, e.g. {@code nack pli}. */
    public String kind() {
        return parameter.isEmpty() ? type : type + " " + parameter;
    }

    /** True when this applies to the payload type {@code pt} (directly or through {@code *}). */
    public boolean appliesTo(int pt) {
        return payloadType == WILDCARD || payloadType == pt;
    }

    /** Returns the same feedback for another payload type. */
    public RtcpFeedback withPayloadType(int pt) {
        return new RtcpFeedback(pt, type, parameter);
    }

    @Override
    public String attributeName() {
        return "rtcp-fb";
    }

    @Override
    public String attributeValue() {
        return (payloadType == WILDCARD ? "*" : Integer.toString(payloadType)) + " " + kind();
    }
}
