package io.atrium.webrtc.sdp;

import java.util.List;

/**
 * The connection line (RFC 8866 §5.7).
 *
 * <pre>
 *  c=&lt;nettype&gt; &lt;addrtype&gt; &lt;connection-address&gt;
 *  c=IN IP4 0.0.0.0
 * </pre>
 */
public record ConnectionData(String netType, String addrType, String address) {

    /** The placeholder JSEP writes when ICE chooses the address (RFC 8829 §5.2.1). */
    public static final ConnectionData UNSPECIFIED_IP4 = new ConnectionData("IN", "IP4", "0.0.0.0");

    /** Validates every field. */
    public ConnectionData {
        SdpText.token(netType, "c= nettype");
        SdpText.token(addrType, "c= addrtype");
        SdpText.word(address, "c= address");
    }

    /** Parses the value of a {@code c=} line. */
    public static ConnectionData parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() != 3) {
            throw new SdpException("c= needs 3 fields (nettype addrtype address), found " + t.size());
        }
        return new ConnectionData(t.get(0), t.get(1), t.get(2));
    }

    /** Returns the value as written after {@code c=}. */
    public String value() {
        return netType + " " + addrType + " " + address;
    }

    /** Returns this as a {@code c=} line. */
    public SdpLine toLine() {
        return new SdpLine('c', value());
    }
}
