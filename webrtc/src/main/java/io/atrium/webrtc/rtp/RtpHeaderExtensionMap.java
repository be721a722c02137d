package io.atrium.webrtc.rtp;

import java.util.Arrays;
import java.util.Map;

/**
 * Immutable mapping between negotiated local extension IDs ({@code a=extmap}, RFC 8285 section 5)
 * and extension URIs, for one direction of one transport. Built on the control path, read on the
 * hot path without allocation.
 */
public final class RtpHeaderExtensionMap {
    /** RFC 8843 section 15: media identification. */
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    /** RFC 8852 section 3.1: RTP stream identifier. */
    public static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    /** RFC 8852 section 3.2: repaired RTP stream identifier. */
    public static final String REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    /** WebRTC abs-send-time experiment. */
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    /** draft-holmer-rmcat-transport-wide-cc-extensions-01 transport-wide sequence number. */
    public static final String TRANSPORT_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    /** RFC 6464: client-to-mixer audio level. */
    public static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    /** RFC 5450: transmission time offset. */
    public static final String TOFFSET = "urn:ietf:params:rtp-hdrext:toffset";
    /** 3GPP TS 26.114: coordination of video orientation. */
    public static final String VIDEO_ORIENTATION = "urn:3gpp:video-orientation";
    /** AV1 RTP specification: dependency descriptor. */
    public static final String DEPENDENCY_DESCRIPTOR =
            "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";
    /** Largest local ID (two-byte form). */
    public static final int MAX_ID = RtpHeaderExtensions.TWO_BYTE_MAX_ID;

    private static final RtpHeaderExtensionMap EMPTY = new RtpHeaderExtensionMap(new String[MAX_ID + 1]);

    private final String[] uriById;

    private RtpHeaderExtensionMap(String[] uriById) {
        this.uriById = uriById;
    }

    /** A map with no extensions. */
    public static RtpHeaderExtensionMap empty() {
        return EMPTY;
    }

    /**
     * Builds a map from negotiated {@code id -> uri} pairs.
     *
     * @throws IllegalArgumentException when an ID is outside 1..255, a URI is blank or a URI is
     *     mapped twice (a negotiation bug, not network input)
     */
    public static RtpHeaderExtensionMap of(Map<Integer, String> idToUri) {
        String[] byId = new String[MAX_ID + 1];
        for (Map.Entry<Integer, String> e : idToUri.entrySet()) {
            int id = e.getKey();
            String uri = e.getValue();
            if (id < 1 || id > MAX_ID) {
                throw new IllegalArgumentException("extmap id " + id + " outside 1.." + MAX_ID);
            }
            if (uri == null || uri.isBlank()) {
                throw new IllegalArgumentException("extmap id " + id + " has no URI");
            }
            if (Arrays.asList(byId).contains(uri)) {
                throw new IllegalArgumentException("extmap URI " + uri + " mapped twice");
            }
            byId[id] = uri;
        }
        return new RtpHeaderExtensionMap(byId);
    }

    /** The local ID of {@code uri}, or -1 when it was not negotiated. */
    public int idOf(String uri) {
        for (int id = 1; id <= MAX_ID; id++) {
            if (uriById[id] != null && uriById[id].equals(uri)) {
                return id;
            }
        }
        return -1;
    }

    /** The URI mapped to {@code id}, or {@code null}. */
    public String uriOf(int id) {
        return id < 1 || id > MAX_ID ? null : uriById[id];
    }

    /** True when some ID is above 14 and so only the two-byte form (RFC 8285 4.3) can carry it. */
    public boolean requiresTwoByteForm() {
        for (int id = RtpHeaderExtensions.ONE_BYTE_MAX_ID + 1; id <= MAX_ID; id++) {
            if (uriById[id] != null) {
                return true;
            }
        }
        return false;
    }
}
