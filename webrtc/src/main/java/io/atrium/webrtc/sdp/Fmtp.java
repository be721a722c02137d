package io.atrium.webrtc.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The format parameters attribute (RFC 8866 §6.15).
 *
 * <pre>
 *  a=fmtp:&lt;format&gt; &lt;format specific parameters&gt;
 *  a=fmtp:111 minptime=10;useinbandfec=1
 *  a=fmtp:97 apt=96
 *  a=fmtp:101 0-15
 * </pre>
 *
 * The parameters are opaque to SDP; {@link #parameterMap(String)} reads the common
 * {@code key=value;key=value} form used by RTP payload formats.
 *
 * @param format     the format this applies to (a payload type for RTP)
 * @param parameters the parameter text, verbatim
 */
public record Fmtp(String format, String parameters) implements SdpAttribute {

    /** Validates the fields. */
    public Fmtp {
        SdpText.token(format, "fmtp format");
        if (parameters.isBlank()) {
            throw new SdpException("a=fmtp has no parameters");
        }
    }

    /** Parses the value of {@code a=fmtp}. */
    public static Fmtp parse(String value) {
        int sp = SdpText.indexOfSpace(value);
        if (sp < 0) {
            throw new SdpException("a=fmtp needs '<format> <parameters>'");
        }
        return new Fmtp(value.substring(0, sp), value.substring(sp + 1).strip());
    }

    /**
     * Reads {@code key=value;key=value} parameters in order. Whitespace around pieces is dropped, a
     * piece without {@code =} becomes a key with an empty value, and the first of repeated keys wins.
     */
    public static Map<String, String> parameterMap(String parameters) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String piece : SdpText.split(parameters, ';')) {
            String p = piece.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq).strip();
            String val = eq < 0 ? "" : p.substring(eq + 1).strip();
            map.putIfAbsent(key, val);
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public String attributeName() {
        return "fmtp";
    }

    @Override
    public String attributeValue() {
        return format + " " + parameters;
    }
}
