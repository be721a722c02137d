package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The media line that opens a media section (RFC 8866 §5.14).
 *
 * <pre>
 *  m=&lt;media&gt; &lt;port&gt;[/&lt;number of ports&gt;] &lt;proto&gt; &lt;fmt&gt; ...
 *  m=video 9 UDP/TLS/RTP/SAVPF 96 97 98
 *  m=application 9 UDP/DTLS/SCTP webrtc-datachannel
 * </pre>
 *
 * For RTP profiles (a proto containing {@code RTP/}) every format must be a payload type 0-127 and
 * {@link #payloadTypes()} lists them; port 0 marks a rejected or disabled section (RFC 3264 §6).
 *
 * @param media      the media type, e.g. {@code audio}, {@code video}, {@code application}
 * @param port       the transport port, 0-65535
 * @param portCount  the number of ports, 1 when not written
 * @param proto      the transport protocol, e.g. {@code UDP/TLS/RTP/SAVPF}
 * @param formats    the media formats in preference order, at least one
 */
public record MediaLine(String media, int port, int portCount, String proto, List<String> formats) {

    /** Validates every field; copies the format list. */
    public MediaLine {
        SdpText.token(media, "m= media");
        if (port < 0 || port > 65535) {
            throw new SdpException("m= port " + port + " is out of range 0-65535");
        }
        if (portCount < 1 || portCount > 65535) {
            throw new SdpException("m= number of ports " + portCount + " is out of range 1-65535");
        }
        SdpText.word(proto, "m= proto");
        formats = List.copyOf(formats);
        if (formats.isEmpty()) {
            throw new SdpException("m= line has no format");
        }
        if (formats.size() > SdpLimits.MAX_FORMATS) {
            throw new SdpException("m= line has more than " + SdpLimits.MAX_FORMATS + " formats");
        }
        boolean rtp = isRtpProto(proto);
        Set<String> seen = new HashSet<>();
        for (String f : formats) {
            SdpText.token(f, "m= format");
            if (rtp) {
                SdpText.payloadType(f);
            }
            if (!seen.add(f)) {
                throw new SdpException("m= line lists format " + SdpException.excerpt(f) + " twice");
            }
        }
    }

    /** Parses the value of an {@code m=} line. */
    public static MediaLine parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() < 4) {
            throw new SdpException("m= needs media, port, proto and at least one format, found " + t.size()
                    + " fields");
        }
        String portField = t.get(1);
        int slash = portField.indexOf('/');
        int port = SdpText.parseInt(slash < 0 ? portField : portField.substring(0, slash), 0, 65535, "m= port");
        int count = slash < 0 ? 1 : SdpText.parseInt(portField.substring(slash + 1), 1, 65535, "m= number of ports");
        if (t.size() - 3 > SdpLimits.MAX_FORMATS) {
            throw new SdpException("m= line has more than " + SdpLimits.MAX_FORMATS + " formats");
        }
        return new MediaLine(t.get(0), port, count, t.get(2), t.subList(3, t.size()));
    }

    /** True for an RTP profile such as {@code UDP/TLS/RTP/SAVPF} or {@code RTP/AVP}. */
    public boolean isRtp() {
        return isRtpProto(proto);
    }

    private static boolean isRtpProto(String proto) {
        return proto.startsWith("RTP/") || proto.contains("/RTP/");
    }

    /** The payload types in preference order for an RTP profile; empty otherwise. */
    public List<Integer> payloadTypes() {
        if (!isRtp()) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>(formats.size());
        for (String f : formats) {
            out.add(Integer.parseInt(f));
        }
        return List.copyOf(out);
    }

    /** Returns a copy with another port, e.g. 0 to reject the section. */
    public MediaLine withPort(int newPort) {
        return new MediaLine(media, newPort, portCount, proto, formats);
    }

    /** Returns the value as written after {@code m=}. */
    public String value() {
        StringBuilder sb = new StringBuilder(media).append(' ').append(port);
        if (portCount != 1) {
            sb.append('/').append(portCount);
        }
        sb.append(' ').append(proto);
        for (String f : formats) {
            sb.append(' ').append(f);
        }
        return sb.toString();
    }

    /** Returns this as an {@code m=} line. */
    public SdpLine toLine() {
        return new SdpLine('m', value());
    }
}
