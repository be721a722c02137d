package io.atrium.webrtc.sdp;

/** The direction of an {@code a=rid} (RFC 8851 §4) or a {@code a=simulcast} stream list (RFC 8853 §5.1). */
public enum RidDirection {
    SEND("send"),
    RECV("recv");

    private final String sdpName;

    RidDirection(String sdpName) {
        this.sdpName = sdpName;
    }

    /** The keyword as written in SDP. */
    public String sdpName() {
        return sdpName;
    }

    /** The direction seen from the other side. */
    public RidDirection reverse() {
        return this == SEND ? RECV : SEND;
    }

    /** Parses {@code send} or {@code recv} (case-sensitive, RFC 8851 §10). */
    public static RidDirection parse(String s) {
        if (s.equals("send")) {
            return SEND;
        }
        if (s.equals("recv")) {
            return RECV;
        }
        throw new SdpException("direction '" + SdpException.excerpt(s) + "' is neither send nor recv");
    }
}
