package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An ICE candidate attribute (RFC 8839 §5.1; TCP candidates RFC 6544 §4.5).
 *
 * <pre>
 *  a=candidate:&lt;foundation&gt; &lt;component-id&gt; &lt;transport&gt; &lt;priority&gt;
 *              &lt;connection-address&gt; &lt;port&gt; typ &lt;cand-type&gt;
 *              [raddr &lt;rel-addr&gt;] [rport &lt;rel-port&gt;] *(&lt;ext-name&gt; &lt;ext-value&gt;)
 *  a=candidate:1 1 UDP 2130706431 203.0.113.141 8998 typ host
 * </pre>
 *
 * @param foundation     1-32 ice-chars
 * @param component      the component id, 1-256 (1 = RTP)
 * @param transport      the transport, e.g. {@code udp}, {@code tcp} (case kept as written)
 * @param priority       the priority, 0 to 2^32-1
 * @param address        the connection address (IP literal or FQDN such as an mDNS name)
 * @param port           the port, 0-65535
 * @param type           the candidate type: {@code host}, {@code srflx}, {@code prflx}, {@code relay} or an extension
 * @param relatedAddress the related address, or null
 * @param relatedPort    the related port, or -1
 * @param extensions     extension name/value pairs in order, e.g. {@code [tcptype, passive, generation, 0]}
 */
public record Candidate(String foundation, int component, String transport, long priority, String address,
        int port, String type, String relatedAddress, int relatedPort, List<String> extensions)
        implements SdpAttribute {

    /** Longest foundation (RFC 8839 §5.1). */
    public static final int MAX_FOUNDATION_LENGTH = 32;
    /** Host candidate type preference recommended by RFC 8445 §5.1.2.2. */
    public static final int HOST_TYPE_PREFERENCE = 126;

    /** Validates every field; copies the extensions. */
    public Candidate {
        if (foundation.isEmpty() || foundation.length() > MAX_FOUNDATION_LENGTH) {
            throw new SdpException("candidate foundation must be 1 to " + MAX_FOUNDATION_LENGTH + " characters");
        }
        for (int i = 0; i < foundation.length(); i++) {
            if (!IceCredentials.isIceChar(foundation.charAt(i))) {
                throw new SdpException("candidate foundation may contain only letters, digits, '+' and '/'");
            }
        }
        if (component < 1 || component > 256) {
            throw new SdpException("candidate component " + component + " is out of range 1-256");
        }
        SdpText.token(transport, "candidate transport");
        if (priority < 0 || priority > 0xFFFF_FFFFL) {
            throw new SdpException("candidate priority is out of range 0-4294967295");
        }
        SdpText.word(address, "candidate address");
        if (port < 0 || port > 65535) {
            throw new SdpException("candidate port " + port + " is out of range 0-65535");
        }
        SdpText.token(type, "candidate type");
        if (relatedAddress != null) {
            SdpText.word(relatedAddress, "candidate raddr");
        }
        if (relatedPort < -1 || relatedPort > 65535) {
            throw new SdpException("candidate rport " + relatedPort + " is out of range 0-65535");
        }
        extensions = List.copyOf(extensions);
        if (extensions.size() % 2 != 0) {
            throw new SdpException("candidate extension '" + SdpException.excerpt(extensions.get(extensions.size() - 1))
                    + "' has no value");
        }
        for (String e : extensions) {
            SdpText.word(e, "candidate extension");
        }
    }

    /**
     * Returns a host candidate for an ICE-lite agent, priority per RFC 8445 §5.1.2.1 with type
     * preference 126; a TCP candidate gets {@code tcptype passive} (RFC 6544 §4.5).
     *
     * @param localPreference 0-65535, higher is preferred
     */
    public static Candidate host(String foundation, String transport, String address, int port, int localPreference) {
        if (localPreference < 0 || localPreference > 65535) {
            throw new SdpException("local preference " + localPreference + " is out of range 0-65535");
        }
        int component = 1;
        long priority = ((long) HOST_TYPE_PREFERENCE << 24) + ((long) localPreference << 8) + (256 - component);
        List<String> ext = transport.equalsIgnoreCase("tcp") ? List.of("tcptype", "passive") : List.of();
        return new Candidate(foundation, component, transport, priority, address, port, "host", null, -1, ext);
    }

    /** Parses the value of {@code a=candidate}. */
    public static Candidate parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() < 8) {
            throw new SdpException("a=candidate needs at least 8 fields "
                    + "(foundation component transport priority address port typ type), found " + t.size());
        }
        if (!t.get(6).equals("typ")) {
            throw new SdpException("a=candidate field 7 must be 'typ', found '" + SdpException.excerpt(t.get(6)) + "'");
        }
        int component = SdpText.parseInt(t.get(1), 1, 256, "candidate component");
        long priority = SdpText.parseLong(t.get(3), 0, 0xFFFF_FFFFL, "candidate priority");
        int port = SdpText.parseInt(t.get(5), 0, 65535, "candidate port");
        int i = 8;
        String raddr = null;
        int rport = -1;
        if (i + 1 < t.size() && t.get(i).equals("raddr")) {
            raddr = t.get(i + 1);
            i += 2;
        }
        if (i + 1 < t.size() && t.get(i).equals("rport")) {
            rport = SdpText.parseInt(t.get(i + 1), 0, 65535, "candidate rport");
            i += 2;
        }
        List<String> ext = new ArrayList<>(t.subList(i, t.size()));
        return new Candidate(t.get(0), component, t.get(2), priority, t.get(4), port, t.get(7), raddr, rport, ext);
    }

    /** Returns the value of an extension such as {@code tcptype}, or null. */
    public String extension(String name) {
        for (int i = 0; i + 1 < extensions.size(); i += 2) {
            if (extensions.get(i).equals(name)) {
                return extensions.get(i + 1);
            }
        }
        return null;
    }

    /** True for a UDP candidate. */
    public boolean isUdp() {
        return transport.toLowerCase(Locale.ROOT).equals("udp");
    }

    @Override
    public String attributeName() {
        return "candidate";
    }

    @Override
    public String attributeValue() {
        StringBuilder sb = new StringBuilder(96);
        sb.append(foundation).append(' ').append(component).append(' ').append(transport).append(' ')
                .append(priority).append(' ').append(address).append(' ').append(port).append(" typ ").append(type);
        if (relatedAddress != null) {
            sb.append(" raddr ").append(relatedAddress);
        }
        if (relatedPort >= 0) {
            sb.append(" rport ").append(relatedPort);
        }
        for (String e : extensions) {
            sb.append(' ').append(e);
        }
        return sb.toString();
    }
}
