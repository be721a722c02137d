package io.atrium.webrtc.sdp;

import java.util.List;

/**
 * The legacy SCTP mapping attribute of draft-ietf-mmusic-sctp-sdp-05 §5, still sent by old clients
 * with {@code m=application <port> DTLS/SCTP <sctp-port>}; RFC 8841 replaced it by {@code a=sctp-port}.
 *
 * <pre>
 *  a=sctpmap:&lt;sctp-port&gt; &lt;app&gt; [&lt;streams&gt;]
 *  a=sctpmap:5000 webrtc-datachannel 1024
 * </pre>
 *
 * @param sctpPort the SCTP port, 0-65535
 * @param app      the application, e.g. {@code webrtc-datachannel}
 * @param streams  the number of streams, or 0 when not written
 */
public record SctpMap(int sctpPort, String app, int streams) implements SdpAttribute {

    /** Validates the fields. */
    public SctpMap {
        if (sctpPort < 0 || sctpPort > 65535) {
            throw new SdpException("sctpmap port " + sctpPort + " is out of range 0-65535");
        }
        SdpText.token(app, "sctpmap app");
        if (streams < 0 || streams > 65535) {
            throw new SdpException("sctpmap streams " + streams + " is out of range 0-65535");
        }
    }

    /** Parses the value of {@code a=sctpmap}. */
    public static SctpMap parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() < 2 || t.size() > 3) {
            throw new SdpException("a=sctpmap needs '<port> <app> [<streams>]'");
        }
        int port = SdpText.parseInt(t.get(0), 0, 65535, "sctpmap port");
        int streams = t.size() == 3 ? SdpText.parseInt(t.get(2), 0, 65535, "sctpmap streams") : 0;
        return new SctpMap(port, t.get(1), streams);
    }

    @Override
    public String attributeName() {
        return "sctpmap";
    }

    @Override
    public String attributeValue() {
        return streams > 0 ? sctpPort + " " + app + " " + streams : sctpPort + " " + app;
    }
}
