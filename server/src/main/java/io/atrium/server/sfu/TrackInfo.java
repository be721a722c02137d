package io.atrium.server.sfu;

import java.util.List;

/**
 * What a publisher's SDP says about one published track (one m-line): kind, mid, the codec it
 * sends with its payload types, its simulcast rids (empty without simulcast), the SSRCs it announced
 * (empty when only rids identify the streams) and the header-extension ids the SFU reads.
 *
 * @param ssrcs      announced primary SSRCs, in rid order when simulcast is signalled with SIM
 * @param rtxSsrcs   announced RTX SSRCs parallel to {@code ssrcs} (0 when none)
 * @param midExt     extmap id of sdes:mid, 0 when not negotiated; likewise the others
 * @param redPayloadType payload type of RFC 2198 redundancy around {@code codec} (audio RED), -1 when not negotiated
 * @param dependencyDescriptorExt extmap id of the AV1 dependency descriptor, 0 when not negotiated
 */
public record TrackInfo(String id, MediaKind kind, String mid, String codec, int clockRate, int payloadType,
                        int rtxPayloadType, List<String> rids, List<Long> ssrcs, List<Long> rtxSsrcs,
                        int midExt, int ridExt, int repairedRidExt, int audioLevelExt, int transportCcExt, int redPayloadType,
                        int dependencyDescriptorExt) {

    public TrackInfo {
        rids = List.copyOf(rids);
        ssrcs = List.copyOf(ssrcs);
        rtxSsrcs = List.copyOf(rtxSsrcs);
    }

    /** A track without the dependency descriptor. */
    public TrackInfo(String id, MediaKind kind, String mid, String codec, int clockRate, int payloadType,
                     int rtxPayloadType, List<String> rids, List<Long> ssrcs, List<Long> rtxSsrcs,
                     int midExt, int ridExt, int repairedRidExt, int audioLevelExt, int transportCcExt, int redPayloadType) {
        this(id, kind, mid, codec, clockRate, payloadType, rtxPayloadType, rids, ssrcs, rtxSsrcs, midExt, ridExt, repairedRidExt,
                audioLevelExt, transportCcExt, redPayloadType, 0);
    }

    /** A track without RED. */
    public TrackInfo(String id, MediaKind kind, String mid, String codec, int clockRate, int payloadType,
                     int rtxPayloadType, List<String> rids, List<Long> ssrcs, List<Long> rtxSsrcs,
                     int midExt, int ridExt, int repairedRidExt, int audioLevelExt, int transportCcExt) {
        this(id, kind, mid, codec, clockRate, payloadType, rtxPayloadType, rids, ssrcs, rtxSsrcs, midExt, ridExt, repairedRidExt,
                audioLevelExt, transportCcExt, -1, 0);
    }

    /** Number of encodings: one per rid, or one. */
    public int layerCount() {
        return Math.max(1, rids.size());
    }

    public boolean hasRtx() {
        return rtxPayloadType >= 0;
    }
}
