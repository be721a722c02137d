package io.atrium.webrtc.peer;

import io.atrium.webrtc.dtls.DtlsFingerprint;
import io.atrium.webrtc.ice.IceCredentials;

import java.net.InetSocketAddress;

/**
 * What a {@link ClientPeer} needs from the server's SDP answer: {@code a=ice-ufrag}, {@code a=ice-pwd}
 * (RFC 8839 section 5.4), {@code a=fingerprint} (RFC 8122 section 5) and the one host candidate
 * (RFC 8839 section 5.1) as a resolved socket address. Validated on construction.
 *
 * @param iceUfrag    the server's ICE username fragment
 * @param icePassword the server's ICE password: keys MESSAGE-INTEGRITY of our checks and its responses
 * @param fingerprint the server's fingerprint attribute value, e.g. {@code "sha-256 AB:CD:..."}
 * @param candidate   the server's host candidate address
 */
public record RemoteDescription(String iceUfrag, String icePassword, String fingerprint, InetSocketAddress candidate) {

    /** Validates every field. */
    public RemoteDescription {
        try {
            new IceCredentials(iceUfrag, icePassword);
        } catch (IllegalArgumentException e) {
            throw new PeerException("remote description: " + e.getMessage(), e);
        }
        if (fingerprint == null || DtlsFingerprint.parse(fingerprint).isEmpty()) {
            throw new PeerException("remote description: fingerprint must be '<hash> XX:XX:...' with a known hash,"
                    + " got " + fingerprint);
        }
        if (candidate == null || candidate.isUnresolved() || candidate.getPort() == 0) {
            throw new PeerException("remote description: candidate must be a resolved address with a port, got "
                    + candidate);
        }
    }

    /** The parsed fingerprint. */
    public DtlsFingerprint dtlsFingerprint() {
        return DtlsFingerprint.parse(fingerprint).orElseThrow();
    }

    /** Hides the password. */
    @Override
    public String toString() {
        return "RemoteDescription[ufrag=" + iceUfrag + ", fingerprint=" + fingerprint + ", candidate=" + candidate + "]";
    }
}
