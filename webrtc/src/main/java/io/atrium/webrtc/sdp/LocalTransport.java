package io.atrium.webrtc.sdp;

import java.util.List;

/**
 * The answerer's transport as written in every accepted media section of an ICE-lite answer:
 * ICE credentials (RFC 8839 §5.4), host candidates (§5.1), certificate fingerprint (RFC 8122 §5)
 * and DTLS role (RFC 8842 §5.1).
 *
 * @param ice         local ICE ufrag and password
 * @param fingerprint fingerprint of the local DTLS certificate
 * @param candidates  host candidates (an ICE-lite agent gathers only host candidates, RFC 8445 §2.5)
 * @param setup       {@link Setup#PASSIVE} (the usual SFU role) or {@link Setup#ACTIVE}
 */
public record LocalTransport(IceCredentials ice, Fingerprint fingerprint, List<Candidate> candidates, Setup setup) {

    /** Validates and copies. */
    public LocalTransport {
        if (ice == null || fingerprint == null) {
            throw new SdpException("local transport needs ICE credentials and a fingerprint");
        }
        candidates = List.copyOf(candidates);
        if (setup != Setup.PASSIVE && setup != Setup.ACTIVE) {
            throw new SdpException("an answer's a=setup must be active or passive, not " + setup);
        }
    }

    /** A passive (DTLS server) transport, the usual choice for an ICE-lite SFU. */
    public static LocalTransport passive(IceCredentials ice, Fingerprint fingerprint, List<Candidate> candidates) {
        return new LocalTransport(ice, fingerprint, candidates, Setup.PASSIVE);
    }
}
