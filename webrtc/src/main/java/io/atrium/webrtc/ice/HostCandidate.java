package io.atrium.webrtc.ice;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A host candidate of the server and its SDP {@code candidate} attribute value, RFC 8839 section 5.1 (and
 * RFC 6544 section 4.5 for TCP, where the server side is always {@code tcptype passive}):
 *
 * <pre>
 * candidate:&lt;foundation&gt; &lt;component-id&gt; &lt;transport&gt; &lt;priority&gt; &lt;address&gt; &lt;port&gt; typ host [tcptype passive]
 * e.g. candidate:1 1 udp 2130706431 127.0.0.1 7881 typ host
 * </pre>
 *
 * @param foundation 1 to 32 ice-chars; candidates of the same type, base and transport share one
 * @param componentId 1 for RTP (RTCP is multiplexed in WebRTC)
 * @param transport UDP or TCP
 * @param address the local address the server listens on
 * @param port the local port
 * @param localPreference 0..65535, to rank several host candidates (e.g. IPv4 above IPv6)
 */
public record HostCandidate(String foundation, int componentId, Transport transport, InetAddress address, int port,
        int localPreference) {
    /** Longest foundation (RFC 8839 section 5.1). */
    public static final int MAX_FOUNDATION_LENGTH = 32;

    /** Candidate transport. */
    public enum Transport {
        /** UDP. */
        UDP("udp"),
        /** Passive TCP (RFC 6544): the server accepts connections. */
        TCP("tcp");

        private final String sdpName;

        Transport(String sdpName) {
            this.sdpName = sdpName;
        }

        /** The token used in SDP. */
        public String sdpName() {
            return sdpName;
        }
    }

    /** Validates every field. */
    public HostCandidate {
        if (foundation == null || foundation.length() > MAX_FOUNDATION_LENGTH || !IceCredentials.isIceChars(foundation)) {
            throw new IllegalArgumentException("foundation must be 1 to " + MAX_FOUNDATION_LENGTH + " ice-chars");
        }
        if (transport == null || address == null) {
            throw new IllegalArgumentException("transport and address are required");
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of 1..65535: " + port);
        }
        CandidatePriority.compute(CandidatePriority.TYPE_PREFERENCE_HOST, localPreference, componentId);
    }

    /** A UDP host candidate for component 1 with the highest local preference. */
    public static HostCandidate udp(String foundation, InetAddress address, int port) {
        return new HostCandidate(foundation, 1, Transport.UDP, address, port, CandidatePriority.MAX_LOCAL_PREFERENCE);
    }

    /** The RFC 8445 section 5.1.2.1 priority with the host type preference. */
    public long priority() {
        return CandidatePriority.compute(CandidatePriority.TYPE_PREFERENCE_HOST, localPreference, componentId);
    }

    /** The attribute value without the {@code a=} prefix, as also used in trickled candidates. */
    public String toSdp() {
        StringBuilder sb = new StringBuilder(80).append("candidate:").append(foundation).append(' ')
                .append(componentId).append(' ').append(transport.sdpName()).append(' ').append(priority())
                .append(' ').append(hostAddress()).append(' ').append(port).append(" typ host");
        if (transport == Transport.TCP) {
            sb.append(" tcptype passive");
        }
        return sb.toString();
    }

    private String hostAddress() {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return address instanceof Inet6Address && scope >= 0 ? text.substring(0, scope) : text;
    }
}
