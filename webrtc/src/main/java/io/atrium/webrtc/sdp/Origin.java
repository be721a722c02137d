package io.atrium.webrtc.sdp;

import java.util.List;

/**
 * The origin line (RFC 8866 §5.2).
 *
 * <pre>
 *  o=&lt;username&gt; &lt;sess-id&gt; &lt;sess-version&gt; &lt;nettype&gt; &lt;addrtype&gt; &lt;unicast-address&gt;
 *  o=-          4611731400430051336 2 IN IP4 127.0.0.1
 * </pre>
 *
 * The session id and version are kept as decimal strings: browsers use up to 20 digits.
 */
public record Origin(String username, String sessionId, String sessionVersion, String netType, String addrType,
        String address) {

    private static final int MAX_NUMBER_DIGITS = 20;

    /** Validates every field. */
    public Origin {
        SdpText.word(username, "o= username");
        digits(sessionId, "o= session id");
        digits(sessionVersion, "o= session version");
        SdpText.token(netType, "o= nettype");
        SdpText.token(addrType, "o= addrtype");
        SdpText.word(address, "o= address");
    }

    private static void digits(String s, String what) {
        if (s.isEmpty() || s.length() > MAX_NUMBER_DIGITS) {
            throw new SdpException(what + " must be 1 to " + MAX_NUMBER_DIGITS + " digits");
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new SdpException(what + " '" + SdpException.excerpt(s) + "' is not a number");
            }
        }
    }

    /** Parses the value of an {@code o=} line. */
    public static Origin parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() != 6) {
            throw new SdpException("o= needs 6 fields (username sess-id sess-version nettype addrtype address), found "
                    + t.size());
        }
        return new Origin(t.get(0), t.get(1), t.get(2), t.get(3), t.get(4), t.get(5));
    }

    /** Returns the value as written after {@code o=}. */
    public String value() {
        return username + " " + sessionId + " " + sessionVersion + " " + netType + " " + addrType + " " + address;
    }
}
