package io.atrium.webrtc.sdp;

/**
 * The RTP header extension mapping attribute (RFC 8285 §8).
 *
 * <pre>
 *  a=extmap:&lt;id&gt;["/"&lt;direction&gt;] &lt;URI&gt; [&lt;extension attributes&gt;]
 *  a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
 *  a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level
 * </pre>
 *
 * Ids 1-14 fit the one-byte header form, 1-255 the two-byte form (RFC 8285 §4).
 *
 * @param id         the local identifier, 1-255
 * @param direction  the direction, or null when not written
 * @param uri        the extension URI
 * @param attributes extension attributes, verbatim; empty when none
 */
public record Extmap(int id, Direction direction, String uri, String attributes) implements SdpAttribute {

    /** Highest id (two-byte header form). */
    public static final int MAX_ID = 255;

    /** Validates the fields. */
    public Extmap {
        if (id < 1 || id > MAX_ID) {
            throw new SdpException("extmap id " + id + " is out of range 1-" + MAX_ID);
        }
        SdpText.word(uri, "extmap URI");
        if (attributes == null) {
            attributes = "";
        }
    }

    /** Parses the value of {@code a=extmap}. */
    public static Extmap parse(String value) {
        String v = value.strip();
        int sp = SdpText.indexOfSpace(v);
        if (sp < 0) {
            throw new SdpException("a=extmap needs '<id>[/<direction>] <URI>'");
        }
        String idField = v.substring(0, sp);
        String rest = v.substring(sp + 1).strip();
        int slash = idField.indexOf('/');
        int id = SdpText.parseInt(slash < 0 ? idField : idField.substring(0, slash), 1, MAX_ID, "extmap id");
        Direction dir = null;
        if (slash >= 0) {
            dir = Direction.fromSdpName(idField.substring(slash + 1));
            if (dir == null) {
                throw new SdpException("extmap direction '" + SdpException.excerpt(idField.substring(slash + 1))
                        + "' is not sendrecv, sendonly, recvonly or inactive");
            }
        }
        int sp2 = SdpText.indexOfSpace(rest);
        String uri = sp2 < 0 ? rest : rest.substring(0, sp2);
        String attrs = sp2 < 0 ? "" : rest.substring(sp2 + 1).strip();
        return new Extmap(id, dir, uri, attrs);
    }

    @Override
    public String attributeName() {
        return "extmap";
    }

    @Override
    public String attributeValue() {
        String s = direction == null ? Integer.toString(id) : id + "/" + direction.sdpName();
        s = s + " " + uri;
        return attributes.isEmpty() ? s : s + " " + attributes;
    }
}
