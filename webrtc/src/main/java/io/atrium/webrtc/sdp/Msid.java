package io.atrium.webrtc.sdp;

import java.util.List;

/**
 * The media stream identification attribute (RFC 8830 §2), also the value of {@code a=ssrc:<id> msid:}.
 *
 * <pre>
 *  a=msid:&lt;stream id&gt; [&lt;track id&gt;]      each 1*64token-char; stream id "-" means no stream
 *  a=msid:5e7b4d1c-stream 0b4a3c12-track
 * </pre>
 *
 * @param streamId the MediaStream id
 * @param trackId  the track id, or empty when not written
 */
public record Msid(String streamId, String trackId) implements SdpAttribute {

    /** Validates the identifiers. */
    public Msid {
        SdpText.token(streamId, SdpLimits.MAX_MSID_ID_LENGTH, "msid stream id");
        if (!trackId.isEmpty()) {
            SdpText.token(trackId, SdpLimits.MAX_MSID_ID_LENGTH, "msid track id");
        }
    }

    /** Parses {@code <stream id> [<track id>]}. */
    public static Msid parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.isEmpty() || t.size() > 2) {
            throw new SdpException("msid needs '<stream id> [<track id>]', found " + t.size() + " fields");
        }
        return new Msid(t.get(0), t.size() == 2 ? t.get(1) : "");
    }

    @Override
    public String attributeName() {
        return "msid";
    }

    @Override
    public String attributeValue() {
        return trackId.isEmpty() ? streamId : streamId + " " + trackId;
    }
}
