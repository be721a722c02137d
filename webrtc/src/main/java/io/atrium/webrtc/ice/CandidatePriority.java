package io.atrium.webrtc.ice;

/**
 * Candidate priority, RFC 8445 section 5.1.2.1:
 *
 * <pre>
 * priority = (2^24) * (type preference) + (2^8) * (local preference) + (2^0) * (256 - component ID)
 * </pre>
 *
 * with type preference 0..126, local preference 0..65535 and component ID 1..256. The recommended type
 * preferences of section 5.1.2.2 are the constants below.
 */
public final class CandidatePriority {
    /** Recommended type preference of host candidates. */
    public static final int TYPE_PREFERENCE_HOST = 126;
    /** Recommended type preference of peer-reflexive candidates. */
    public static final int TYPE_PREFERENCE_PEER_REFLEXIVE = 110;
    /** Recommended type preference of server-reflexive candidates. */
    public static final int TYPE_PREFERENCE_SERVER_REFLEXIVE = 100;
    /** Recommended type preference of relayed candidates. */
    public static final int TYPE_PREFERENCE_RELAYED = 0;
    /** Largest type preference. */
    public static final int MAX_TYPE_PREFERENCE = 126;
    /** Largest local preference; the recommended value for a host with a single address. */
    public static final int MAX_LOCAL_PREFERENCE = 65535;
    /** Smallest component ID (RTP). */
    public static final int MIN_COMPONENT = 1;
    /** Largest component ID. */
    public static final int MAX_COMPONENT = 256;

    private CandidatePriority() {
    }

    /** The priority as an unsigned 32-bit value. */
    public static long compute(int typePreference, int localPreference, int componentId) {
        if (typePreference < 0 || typePreference > MAX_TYPE_PREFERENCE) {
            throw new IllegalArgumentException("type preference out of 0.." + MAX_TYPE_PREFERENCE + ": " + typePreference);
        }
        if (localPreference < 0 || localPreference > MAX_LOCAL_PREFERENCE) {
            throw new IllegalArgumentException("local preference out of 0.." + MAX_LOCAL_PREFERENCE + ": " + localPreference);
        }
        if (componentId < MIN_COMPONENT || componentId > MAX_COMPONENT) {
            throw new IllegalArgumentException("component ID out of 1.." + MAX_COMPONENT + ": " + componentId);
        }
        return ((long) typePreference << 24) + ((long) localPreference << 8) + (256 - componentId);
    }
}
