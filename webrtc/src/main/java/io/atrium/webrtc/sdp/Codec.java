package io.atrium.webrtc.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A typed view of one RTP payload type of a media section, assembled from the {@code m=} format list,
 * {@code a=rtpmap} (RFC 8866 §6.6), {@code a=fmtp} (§6.15) and {@code a=rtcp-fb} (RFC 4585 §4.2), with
 * the retransmission payload type whose {@code apt=} names it (RFC 4588 §8.6).
 *
 * <pre>
 *  m=video 9 UDP/TLS/RTP/SAVPF 96 97
 *  a=rtpmap:96 VP8/90000          -&gt; Codec(96, VP8, 90000, feedback [nack, nack pli], rtx 97)
 *  a=rtcp-fb:96 nack
 *  a=rtcp-fb:96 nack pli
 *  a=rtpmap:97 rtx/90000          -&gt; Codec(97, rtx, 90000, apt 96)
 *  a=fmtp:97 apt=96
 * </pre>
 *
 * @param rtpmap         the mapping (written or, for static payload types, from RFC 3551 §6)
 * @param fmtp           the {@code a=fmtp} parameter text, verbatim; empty when none
 * @param parameters     the fmtp parameters as an ordered map (see {@link Fmtp#parameterMap(String)})
 * @param feedback       the {@code a=rtcp-fb} entries that apply to this payload type, including {@code *}
 * @param rtxPayloadType the payload type of the RTX stream for this codec, if any
 */
public record Codec(Rtpmap rtpmap, String fmtp, Map<String, String> parameters, List<RtcpFeedback> feedback,
        OptionalInt rtxPayloadType) {

    /** Encoding name of retransmission (RFC 4588 §8.6). */
    public static final String RTX = "rtx";

    /** Copies the collections. */
    public Codec {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        feedback = List.copyOf(feedback);
    }

    /** The RTP payload type. */
    public int payloadType() {
        return rtpmap.payloadType();
    }

    /** The encoding name as written, e.g. {@code opus}, {@code VP8}. */
    public String name() {
        return rtpmap.encodingName();
    }

    /** The RTP clock rate. */
    public int clockRate() {
        return rtpmap.clockRate();
    }

    /** The number of channels; 1 when the rtpmap does not say (RFC 8866 §6.6). */
    public int channels() {
        return rtpmap.channels() == 0 ? 1 : rtpmap.channels();
    }

    /** True when this is a retransmission payload type. */
    public boolean isRtx() {
        return name().equalsIgnoreCase(RTX);
    }

    /** For an RTX payload type, the associated payload type ({@code apt=}); empty otherwise or if malformed. */
    public OptionalInt associatedPayloadType() {
        String apt = parameters.get("apt");
        return isRtx() && apt != null && SdpText.isDigits(apt) && apt.length() <= 3 && Integer.parseInt(apt) <= 127
                ? OptionalInt.of(Integer.parseInt(apt)) : OptionalInt.empty();
    }

    /** Returns the fmtp parameter {@code key}, or null. */
    public String parameter(String key) {
        return parameters.get(key);
    }

    /** True when the encoding name equals {@code encodingName} ignoring case. */
    public boolean is(String encodingName) {
        return name().toLowerCase(Locale.ROOT).equals(encodingName.toLowerCase(Locale.ROOT));
    }

    /** Static payload types of RFC 3551 §6 Tables 4 and 5 that browsers may list without rtpmap. */
    static Rtpmap staticRtpmap(int pt) {
        return switch (pt) {
            case 0 -> new Rtpmap(0, "PCMU", 8000, 0);
            case 3 -> new Rtpmap(3, "GSM", 8000, 0);
            case 4 -> new Rtpmap(4, "G723", 8000, 0);
            case 8 -> new Rtpmap(8, "PCMA", 8000, 0);
            case 9 -> new Rtpmap(9, "G722", 8000, 0);
            case 13 -> new Rtpmap(13, "CN", 8000, 0);
            case 18 -> new Rtpmap(18, "G729", 8000, 0);
            case 26 -> new Rtpmap(26, "JPEG", 90000, 0);
            case 31 -> new Rtpmap(31, "H261", 90000, 0);
            case 34 -> new Rtpmap(34, "H263", 90000, 0);
            default -> null;
        };
    }

    /**
     * Assembles the codecs of a media section in {@code m=} line order. Payload types with neither an
     * rtpmap nor a static assignment are skipped; rtpmap, fmtp and rtcp-fb lines for payload types not on
     * the {@code m=} line are ignored.
     */
    static List<Codec> assemble(MediaLine mediaLine, Map<Integer, Rtpmap> rtpmaps, Map<String, Fmtp> fmtps,
            List<RtcpFeedback> allFeedback) {
        List<Integer> pts = mediaLine.payloadTypes();
        List<Codec> base = new ArrayList<>(pts.size());
        for (int pt : pts) {
            Rtpmap map = rtpmaps.get(pt);
            if (map == null) {
                map = staticRtpmap(pt);
            }
            if (map == null) {
                continue;
            }
            Fmtp f = fmtps.get(Integer.toString(pt));
            String text = f == null ? "" : f.parameters();
            List<RtcpFeedback> fb = new ArrayList<>();
            for (RtcpFeedback r : allFeedback) {
                if (r.appliesTo(pt)) {
                    fb.add(r);
                }
            }
            base.add(new Codec(map, text, Fmtp.parameterMap(text), fb, OptionalInt.empty()));
        }
        List<Codec> out = new ArrayList<>(base.size());
        for (Codec c : base) {
            OptionalInt rtx = OptionalInt.empty();
            for (Codec r : base) {
                OptionalInt apt = r.associatedPayloadType();
                if (apt.isPresent() && apt.getAsInt() == c.payloadType() && r != c) {
                    rtx = OptionalInt.of(r.payloadType());
                    break;
                }
            }
            out.add(rtx.isPresent() ? new Codec(c.rtpmap, c.fmtp, c.parameters, c.feedback, rtx) : c);
        }
        return List.copyOf(out);
    }
}
