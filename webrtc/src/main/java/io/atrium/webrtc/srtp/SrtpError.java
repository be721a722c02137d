package io.atrium.webrtc.srtp;

/**
 * Negative results of {@link SrtpContext} operations. The hot path never throws on bad network input:
 * it returns one of these codes and the caller drops and counts the packet.
 *
 * <p>RFC 3711 section 3.3 lists the receiver checks these codes report: authentication
 * (section 3.3, step 5), replay (section 3.3.2) and the key-usage limits (section 9.2).
 */
public final class SrtpError {
    /** The packet is shorter than its header, the header it declares, or the header plus tag. */
    public static final int TOO_SHORT = -1;
    /** The packet is not RTP/RTCP version 2. */
    public static final int MALFORMED = -2;
    /** The authentication tag does not verify (RFC 3711 section 3.3 step 5, RFC 7714 section 8.2). */
    public static final int AUTH_FAILED = -3;
    /** The packet index was already received (receiver) or already protected (sender). */
    public static final int REPLAYED = -4;
    /** The packet index lies behind the replay window (RFC 3711 section 3.3.2) or before index 0. */
    public static final int TOO_OLD = -5;
    /** A new SSRC was seen while {@link SrtpContext#MAX_SSRCS} SSRCs are already tracked. */
    public static final int SSRC_LIMIT = -6;
    /** The caller's buffer has no room for the tag (and SRTCP index) protect appends. */
    public static final int BUFFER_TOO_SMALL = -7;
    /** The SRTP (2^48) or SRTCP (2^31) index space of this key is used up (RFC 3711 section 9.2). */
    public static final int INDEX_EXHAUSTED = -8;

    private SrtpError() {
    }

    /** A short name for a code, for logs and metrics labels. */
    public static String describe(int code) {
        return switch (code) {
            case TOO_SHORT -> "too_short";
            case MALFORMED -> "malformed";
            case AUTH_FAILED -> "auth_failed";
            case REPLAYED -> "replayed";
            case TOO_OLD -> "too_old";
            case SSRC_LIMIT -> "ssrc_limit";
            case BUFFER_TOO_SMALL -> "buffer_too_small";
            case INDEX_EXHAUSTED -> "index_exhausted";
            default -> code >= 0 ? "ok" : "unknown";
        };
    }
}
