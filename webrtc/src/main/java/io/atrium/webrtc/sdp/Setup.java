package io.atrium.webrtc.sdp;

/**
 * The DTLS role attribute {@code a=setup} (RFC 4145 §4, used for DTLS by RFC 8842 §5.1).
 *
 * <pre>
 *  a=setup:actpass | active | passive | holdconn
 * </pre>
 */
public enum Setup implements SdpAttribute {
    ACTIVE("active"),
    PASSIVE("passive"),
    ACTPASS("actpass"),
    HOLDCONN("holdconn");

    private final String sdpName;

    Setup(String sdpName) {
        this.sdpName = sdpName;
    }

    /** The role as written in SDP. */
    public String sdpName() {
        return sdpName;
    }

    /** Parses the value of {@code a=setup}. */
    public static Setup parse(String value) {
        for (Setup s : values()) {
            if (s.sdpName.equals(value)) {
                return s;
            }
        }
        throw new SdpException("a=setup value '" + SdpException.excerpt(value)
                + "' is not one of active, passive, actpass, holdconn");
    }

    /** True when an answerer taking this role is compatible with an offer of {@code offered} (RFC 8842 §5.3). */
    public boolean isValidAnswerTo(Setup offered) {
        return switch (this) {
            case ACTIVE -> offered == ACTPASS || offered == PASSIVE;
            case PASSIVE -> offered == ACTPASS || offered == ACTIVE;
            case ACTPASS, HOLDCONN -> false;
        };
    }

    @Override
    public String attributeName() {
        return "setup";
    }

    @Override
    public String attributeValue() {
        return sdpName;
    }
}
