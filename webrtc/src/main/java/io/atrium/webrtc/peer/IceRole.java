package io.atrium.webrtc.peer;

/**
 * The ICE role of a {@link ClientPeer} (RFC 8445 section 6.1.1). Against an ICE-lite server the client is always
 * {@link #CONTROLLING}. Against a full agent the offerer starts controlling and the answerer controlled; a
 * role conflict (both claim the same role) is resolved by the tie-breakers (section 7.3.1.1) and may switch
 * the role while connecting.
 */
public enum IceRole {
    /** Sends ICE-CONTROLLING and nominates (USE-CANDIDATE, aggressive nomination). */
    CONTROLLING,
    /** Sends ICE-CONTROLLED and waits for the remote agent to nominate the pair. */
    CONTROLLED
}
