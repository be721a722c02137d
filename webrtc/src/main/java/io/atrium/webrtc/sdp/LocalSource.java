package io.atrium.webrtc.sdp;

/**
 * A stream the SFU sends in a media section of its answer, written as {@code a=msid} (RFC 8830 §2),
 * {@code a=ssrc ... cname/msid} (RFC 5576 §4.1) and, with RTX, {@code a=ssrc-group:FID} (RFC 5576 §4.2,
 * RFC 4588 §8.1).
 *
 * @param ssrc    the media SSRC
 * @param rtxSsrc the RTX SSRC, or {@link #NO_RTX}
 * @param cname   the RTCP CNAME
 * @param msid    the stream and track ids
 */
public record LocalSource(long ssrc, long rtxSsrc, String cname, Msid msid) {

    /** Marks a source without an RTX stream. */
    public static final long NO_RTX = -1;

    /** Validates the fields. */
    public LocalSource {
        SsrcAttribute.checkSsrc(ssrc);
        if (rtxSsrc != NO_RTX) {
            SsrcAttribute.checkSsrc(rtxSsrc);
            if (rtxSsrc == ssrc) {
                throw new SdpException("RTX ssrc must differ from the media ssrc " + ssrc);
            }
        }
        SdpText.word(cname, "cname");
        if (msid == null) {
            throw new SdpException("local source needs an msid");
        }
    }
}
