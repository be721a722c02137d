package io.atrium.webrtc.sdp;

/**
 * Media direction attributes {@code a=sendrecv}, {@code a=sendonly}, {@code a=recvonly},
 * {@code a=inactive} (RFC 8866 §6.7, offer/answer rules RFC 3264 §6.1), also used as the optional
 * direction of {@code a=extmap} (RFC 8285 §8).
 */
public enum Direction {
    SENDRECV("sendrecv", true, true),
    SENDONLY("sendonly", true, false),
    RECVONLY("recvonly", false, true),
    INACTIVE("inactive", false, false);

    private final String sdpName;
    private final boolean sends;
    private final boolean receives;

    Direction(String sdpName, boolean sends, boolean receives) {
        this.sdpName = sdpName;
        this.sends = sends;
        this.receives = receives;
    }

    /** The attribute name as written in SDP. */
    public String sdpName() {
        return sdpName;
    }

    /** True when the side that wrote this direction sends media. */
    public boolean sends() {
        return sends;
    }

    /** True when the side that wrote this direction receives media. */
    public boolean receives() {
        return receives;
    }

    /** The direction seen from the other side: sendonly becomes recvonly and vice versa (RFC 3264 §6.1). */
    public Direction reverse() {
        return of(receives, sends);
    }

    /** Returns the direction with the given send and receive flags. */
    public static Direction of(boolean sends, boolean receives) {
        if (sends) {
            return receives ? SENDRECV : SENDONLY;
        }
        return receives ? RECVONLY : INACTIVE;
    }

    /** Returns the direction named {@code name}, or null when it names none. */
    public static Direction fromSdpName(String name) {
        for (Direction d : values()) {
            if (d.sdpName.equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * True when an answer with this direction is allowed for an offer with {@code offered}
     * (RFC 3264 §6.1): the answerer may send only if the offerer receives, and receive only if the
     * offerer sends.
     */
    public boolean isValidAnswerTo(Direction offered) {
        return (!sends || offered.receives) && (!receives || offered.sends);
    }
}
