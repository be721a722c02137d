package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RTP stream identifier attribute (RFC 8851 §4, grammar §10).
 *
 * <pre>
 *  a=rid:&lt;rid-id&gt; &lt;send|recv&gt; [pt=&lt;fmt&gt;,&lt;fmt&gt;...][;&lt;key&gt;=&lt;value&gt;]...
 *  a=rid:q send
 *  a=rid:1 send pt=97;max-width=1280;max-height=720
 * </pre>
 *
 * @param id           the rid-id (letters, digits, '-', '_')
 * @param direction    send or recv
 * @param payloadTypes the {@code pt=} restriction in order; empty when not written
 * @param restrictions the other restrictions in order, e.g. {@code max-width -> 1280}; a key
 *                     without value maps to ""
 */
public record Rid(String id, RidDirection direction, List<Integer> payloadTypes, Map<String, String> restrictions)
        implements SdpAttribute {

    /** Validates the fields; copies the collections. */
    public Rid {
        SdpText.ridId(id, "rid id");
        if (direction == null) {
            throw new SdpException("rid " + id + " has no direction");
        }
        payloadTypes = List.copyOf(payloadTypes);
        for (int pt : payloadTypes) {
            if (pt < 0 || pt > 127) {
                throw new SdpException("rid pt " + pt + " is out of range 0-127");
            }
        }
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : restrictions.entrySet()) {
            SdpText.token(e.getKey(), "rid restriction name");
            if (e.getKey().equals("pt")) {
                throw new SdpException("rid restriction 'pt' must be given as payload types");
            }
            if (!e.getValue().isEmpty()) {
                SdpText.word(e.getValue(), "rid restriction value");
                if (e.getValue().indexOf(';') >= 0) {
                    throw new SdpException("rid restriction value contains ';'");
                }
            }
            copy.put(e.getKey(), e.getValue());
        }
        restrictions = Collections.unmodifiableMap(copy);
    }

    /** Parses the value of {@code a=rid}. */
    public static Rid parse(String value) {
        List<String> t = SdpText.split(value);
        if (t.size() < 2 || t.size() > 3) {
            throw new SdpException("a=rid needs '<rid-id> <send|recv> [<restrictions>]'");
        }
        RidDirection dir = RidDirection.parse(t.get(1));
        List<Integer> pts = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        if (t.size() == 3) {
            boolean sawPt = false;
            for (String piece : SdpText.split(t.get(2), ';')) {
                if (piece.isEmpty()) {
                    continue;
                }
                int eq = piece.indexOf('=');
                String key = eq < 0 ? piece : piece.substring(0, eq);
                String val = eq < 0 ? "" : piece.substring(eq + 1);
                if (key.equals("pt")) {
                    if (sawPt) {
                        throw new SdpException("rid " + SdpException.excerpt(t.get(0)) + " repeats pt=");
                    }
                    sawPt = true;
                    for (String pt : SdpText.split(val, ',')) {
                        pts.add(SdpText.payloadType(pt));
                    }
                } else if (params.putIfAbsent(key, val) != null) {
                    throw new SdpException("rid repeats restriction '" + SdpException.excerpt(key) + "'");
                }
            }
        }
        return new Rid(t.get(0), dir, pts, params);
    }

    /** Returns this rid as the other side writes it: reversed direction, the given {@code pt=} list, same restrictions. */
    public Rid mirrored(List<Integer> keptPayloadTypes) {
        return new Rid(id, direction.reverse(), keptPayloadTypes, restrictions);
    }

    @Override
    public String attributeName() {
        return "rid";
    }

    @Override
    public String attributeValue() {
        StringBuilder sb = new StringBuilder(id).append(' ').append(direction.sdpName());
        List<String> pieces = new ArrayList<>();
        if (!payloadTypes.isEmpty()) {
            StringBuilder pt = new StringBuilder("pt=");
            for (int i = 0; i < payloadTypes.size(); i++) {
                pt.append(i > 0 ? "," : "").append(payloadTypes.get(i));
            }
            pieces.add(pt.toString());
        }
        for (Map.Entry<String, String> e : restrictions.entrySet()) {
            pieces.add(e.getValue().isEmpty() ? e.getKey() : e.getKey() + "=" + e.getValue());
        }
        if (!pieces.isEmpty()) {
            sb.append(' ').append(String.join(";", pieces));
        }
        return sb.toString();
    }
}
