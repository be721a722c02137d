package io.atrium.webrtc.sdp;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the answering SFU can receive and forward: codecs in the answerer's order of acceptance
 * (the offerer's order decides the answer), RTP header extensions by URI (RFC 8285), and whether
 * data channels (RFC 8841, RFC 8832) are accepted.
 *
 * @param codecs              accepted codecs; an offered codec is kept when one of these matches
 * @param headerExtensions    accepted header extension URIs
 * @param dataChannels        true to accept an {@code m=application ... UDP/DTLS/SCTP webrtc-datachannel} section
 * @param sctpPort            the SCTP port to answer with, usually 5000 (RFC 8841 §5)
 * @param maxMessageSize      the {@code a=max-message-size} to answer with (RFC 8841 §6)
 */
public record LocalCapabilities(List<CodecCapability> codecs, Set<String> headerExtensions, boolean dataChannels,
        int sctpPort, long maxMessageSize) {

    /** {@code urn:ietf:params:rtp-hdrext:sdes:mid} (RFC 9143 §15.1). */
    public static final String EXT_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    /** {@code urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id} (RFC 8852 §3.1). */
    public static final String EXT_RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    /** {@code urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id} (RFC 8852 §3.2). */
    public static final String EXT_REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    /** {@code urn:ietf:params:rtp-hdrext:ssrc-audio-level} (RFC 6464 §4). */
    public static final String EXT_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    /** Absolute send time (webrtc.org experiment, used by REMB). */
    public static final String EXT_ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** Transport-wide sequence numbers for transport-cc (draft-holmer-rmcat-transport-wide-cc-extensions-01). */
    public static final String EXT_TRANSPORT_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** The AV1 dependency descriptor (AV1 RTP specification appendix A; read by {@code rtp.DependencyDescriptor}). */
    public static final String EXT_DEPENDENCY_DESCRIPTOR =
            "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";
    /** {@code urn:3gpp:video-orientation} (3GPP TS 26.114 §7.4.5). */
    public static final String EXT_VIDEO_ORIENTATION = "urn:3gpp:video-orientation";

    /**
     * Extensions a receive-only section accepts only when the sender's codec (the answer's first) is the one named:
     * the dependency descriptor is read for AV1 alone, and a Chromium VP8 simulcast sender that negotiated it sent
     * no temporal layer ids once a paused encoding was resumed.
     */
    private static final Map<String, String> RECEIVED_ONLY_WITH = Map.of(EXT_DEPENDENCY_DESCRIPTOR, "AV1");

    /** Whether a section that only receives answers the extension {@code uri} when the sender sends {@code codec}. */
    static boolean receivedWith(String uri, String codec) {
        String only = RECEIVED_ONLY_WITH.get(uri);
        return only == null || only.equalsIgnoreCase(codec);
    }

    /** Validates and copies. */
    public LocalCapabilities {
        codecs = List.copyOf(codecs);
        headerExtensions = Set.copyOf(headerExtensions);
        if (sctpPort < 1 || sctpPort > 65535) {
            throw new SdpException("sctp port " + sctpPort + " is out of range 1-65535");
        }
        if (maxMessageSize < 0 || maxMessageSize > 0xFFFF_FFFFL) {
            throw new SdpException("max message size " + maxMessageSize + " is out of range 0-4294967295");
        }
    }

    /**
     * Opus, VP8, H.264 Constrained Baseline (packetization-mode 1), VP9 profile 0 and AV1 profile 0;
     * mid, rid, repaired-rid, audio level, abs-send-time, transport-cc and video orientation
     * extensions; data channels accepted on SCTP port 5000 with 256 KiB messages.
     */
    public static LocalCapabilities defaults() {
        return new LocalCapabilities(
                List.of(CodecCapability.opus(), CodecCapability.vp8(), CodecCapability.h264ConstrainedBaseline(),
                        CodecCapability.vp9(), CodecCapability.av1()),
                Set.of(EXT_MID, EXT_RID, EXT_REPAIRED_RID, EXT_AUDIO_LEVEL, EXT_ABS_SEND_TIME, EXT_TRANSPORT_CC,
                        EXT_VIDEO_ORIENTATION),
                true, 5000, 262144);
    }

    /** Returns a copy that accepts or rejects data channels. */
    public LocalCapabilities withDataChannels(boolean accept) {
        return new LocalCapabilities(codecs, headerExtensions, accept, sctpPort, maxMessageSize);
    }
}
