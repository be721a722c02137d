package io.atrium.webrtc.sdp;

import java.util.List;

/**
 * The RTP payload type mapping attribute (RFC 8866 §6.6).
 *
 * <pre>
 *  a=rtpmap:&lt;payload type&gt; &lt;encoding name&gt;/&lt;clock rate&gt;[/&lt;encoding parameters&gt;]
 *  a=rtpmap:111 opus/48000/2
 *  a=rtpmap:96 VP8/90000
 * </pre>
 *
 * @param payloadType  the RTP payload type, 0-127
 * @param encodingName the encoding name (compare case-insensitively)
 * @param clockRate    the RTP clock rate in Hz, positive
 * @param channels     the number of audio channels, or 0 when not written
 */
public record Rtpmap(int payloadType, String encodingName, int clockRate, int channels) implements SdpAttribute {

    /** Most audio channels accepted in the encoding parameters. */
    public static final int MAX_CHANNELS = 255;

    /** Validates every field. */
    public Rtpmap {
        if (payloadType < 0 || payloadType > 127) {
            throw new SdpException("rtpmap payload type " + payloadType + " is out of range 0-127");
        }
        SdpText.token(encodingName, "rtpmap encoding name");
        if (encodingName.indexOf('/') >= 0) {
            throw new SdpException("rtpmap encoding name contains '/'");
        }
        if (clockRate < 1) {
            throw new SdpException("rtpmap clock rate must be positive");
        }
        if (channels < 0 || channels > MAX_CHANNELS) {
            throw new SdpException("rtpmap channels " + channels + " is out of range 1-" + MAX_CHANNELS);
        }
    }

    /** Parses the value of {@code a=rtpmap}. */
    public static Rtpmap parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() != 2) {
            throw new SdpException("a=rtpmap needs '<payload type> <name>/<clock rate>', found " + t.size() + " fields");
        }
        int pt = SdpText.payloadType(t.get(0));
        List<String> enc = SdpText.split(t.get(1), '/');
        if (enc.size() < 2 || enc.size() > 3) {
            throw new SdpException("a=rtpmap encoding '" + SdpException.excerpt(t.get(1))
                    + "' is not <name>/<clock rate>[/<channels>]");
        }
        int clock = SdpText.parseInt(enc.get(1), 1, Integer.MAX_VALUE, "rtpmap clock rate");
        int channels = enc.size() == 3 ? SdpText.parseInt(enc.get(2), 1, MAX_CHANNELS, "rtpmap channels") : 0;
        return new Rtpmap(pt, enc.get(0), clock, channels);
    }

    @Override
    public String attributeName() {
        return "rtpmap";
    }

    @Override
    public String attributeValue() {
        String s = payloadType + " " + encodingName + "/" + clockRate;
        return channels > 0 ? s + "/" + channels : s;
    }
}
