package io.atrium.server.sip;

import io.atrium.server.sip.audio.AudioCodec;
import io.atrium.server.sip.audio.G711Codec;
import io.atrium.server.sip.audio.OpusCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audio a phone and Atrium agree on: one codec — Opus if offered, else PCMU, else PCMA — and RFC 4733
 * telephone-event if offered; the payload types the phone sends ({@code payloadType},
 * {@code dtmfPayloadType}) and those it expects ({@code sendPayloadType}, {@code sendDtmfPayloadType}).
 * When Atrium answers the phone's offer both are the offer's; when the phone's peer chose them (Atrium's
 * own offer for a dial-out, the other phone's SDP for a converted call) the phone sends with its peer's
 * numbers and expects its own (RFC 3264 6.1; {@link #between}). Also Atrium's answer, pointed at its own
 * RTP socket.
 */
record PhoneSdp(String address, int port, String codec, int payloadType, int dtmfPayloadType, int sendPayloadType,
                int sendDtmfPayloadType) {

    /** Opus bitrate towards a softphone, bit/s. */
    static final int OPUS_BITRATE = OpusCodecs.BITRATE;

    private static final String DTMF_NAME = "telephone-event";
    private static final List<String> PREFERRED = List.of("opus", "PCMU", "PCMA");
    private static final Pattern AUDIO = Pattern.compile("(?m)^m=audio (\\d+) RTP/AVP((?: \\d+)+)\\s*$");
    private static final Pattern RTPMAP = Pattern.compile("(?m)^a=rtpmap:(\\d+) ([^/\\s]+)/(\\d+)");

    /** Both ways with the same payload types (Atrium answered the phone's offer). */
    PhoneSdp(String address, int port, String codec, int payloadType, int dtmfPayloadType) {
        this(address, port, codec, payloadType, dtmfPayloadType, payloadType, dtmfPayloadType);
    }

    /** The agreement for {@code offer}, or null when it has no audio Atrium speaks. */
    static PhoneSdp negotiate(Sdp offer) {
        Map<String, Integer> types = payloadTypes(offer);
        if (types == null) {
            return null;
        }
        for (String codec : PREFERRED) {
            if (types.containsKey(codec)) {
                return new PhoneSdp(offer.address(), offer.audioPort(), codec, types.get(codec), types.getOrDefault(DTMF_NAME, -1));
            }
        }
        return null;
    }

    /**
     * The agreement of a phone whose own SDP is {@code own} and whose peer's is {@code peer} (one the
     * offer, the other the answer): the most preferred codec both have, received with the peer's payload
     * types and sent with the phone's own; telephone-event only when both have it. Null when they share
     * no codec Atrium speaks.
     */
    static PhoneSdp between(Sdp own, Sdp peer) {
        Map<String, Integer> ownTypes = payloadTypes(own);
        Map<String, Integer> peerTypes = payloadTypes(peer);
        if (ownTypes == null || peerTypes == null) {
            return null;
        }
        boolean dtmf = ownTypes.containsKey(DTMF_NAME) && peerTypes.containsKey(DTMF_NAME);
        for (String codec : PREFERRED) {
            if (ownTypes.containsKey(codec) && peerTypes.containsKey(codec)) {
                return new PhoneSdp(own.address(), own.audioPort(), codec, peerTypes.get(codec), dtmf ? peerTypes.get(DTMF_NAME) : -1,
                        ownTypes.get(codec), dtmf ? ownTypes.get(DTMF_NAME) : -1);
            }
        }
        return null;
    }

    /** The first payload type of each codec Atrium speaks (and of telephone-event) in {@code sdp}'s audio line; null: none. */
    private static Map<String, Integer> payloadTypes(Sdp sdp) {
        Matcher m = AUDIO.matcher(sdp.text());
        if (!m.find()) {
            return null;
        }
        List<Integer> offered = new ArrayList<>();
        for (String pt : m.group(2).trim().split(" ")) {
            offered.add(Integer.parseInt(pt));
        }
        Map<String, Integer> types = new HashMap<>();
        Matcher r = RTPMAP.matcher(sdp.text());
        while (r.find()) {
            int pt = Integer.parseInt(r.group(1));
            String name = r.group(2).toLowerCase(Locale.ROOT);
            if (!offered.contains(pt)) {
                continue;
            }
            if (name.equals("opus") && r.group(3).equals("48000")) {
                types.putIfAbsent("opus", pt);
            } else if (name.equals(DTMF_NAME) && r.group(3).equals("8000")) {
                types.putIfAbsent(DTMF_NAME, pt);
            }
        }
        if (offered.contains(0)) {
            types.put("PCMU", 0);
        }
        if (offered.contains(8)) {
            types.put("PCMA", 8);
        }
        return types;
    }

    /** A fresh codec state for this agreement. */
    AudioCodec newCodec() {
        return switch (codec) {
            case "opus" -> new OpusCodec(OPUS_BITRATE, OpusCodecs.COMPLEXITY);
            case "PCMA" -> new G711Codec(false);
            default -> new G711Codec(true);
        };
    }

    /** Atrium's answer: audio at {@code address}:{@code port}, this codec (and DTMF when offered), 20 ms frames, sendrecv. */
    byte[] answer(String localAddress, int localPort) {
        return answer(localAddress, localPort, "sendrecv");
    }

    /** As above with the media direction {@code direction} (e.g. {@code recvonly} to a phone that holds the call). */
    byte[] answer(String localAddress, int localPort, String direction) {
        StringBuilder a = new StringBuilder();
        a.append("a=rtpmap:").append(payloadType).append(' ')
                .append(codec.equals("opus") ? "opus/48000/2" : codec + "/8000").append("\r\n");
        if (codec.equals("opus")) {
            a.append(OPUS_FMTP.formatted(payloadType));
        }
        if (dtmfPayloadType >= 0) {
            a.append(DTMF.formatted(dtmfPayloadType, dtmfPayloadType));
        }
        return body(localAddress, localPort, payloadType + (dtmfPayloadType >= 0 ? " " + dtmfPayloadType : ""), a.toString(),
                direction);
    }

    /** Atrium's offer when it dials a phone (room invites): Opus, PCMU, PCMA and telephone-event, 20 ms frames. */
    static byte[] offer(String localAddress, int localPort) {
        return body(localAddress, localPort, OFFER_OPUS + " 0 8 " + OFFER_DTMF, "a=rtpmap:" + OFFER_OPUS + " opus/48000/2\r\n"
                + OPUS_FMTP.formatted(OFFER_OPUS) + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + DTMF.formatted(OFFER_DTMF, OFFER_DTMF), "sendrecv");
    }

    private static final int OFFER_OPUS = 111;
    private static final int OFFER_DTMF = 101;
    private static final String OPUS_FMTP = "a=fmtp:%d useinbandfec=1;maxaveragebitrate=" + OPUS_BITRATE + "\r\n";
    private static final String DTMF = "a=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-15\r\n";

    private static byte[] body(String localAddress, int localPort, String formats, String attributes, String direction) {
        long session = System.currentTimeMillis();
        String text = "v=0\r\no=atrium " + session + " " + session + " IN IP4 " + localAddress + "\r\ns=Atrium\r\nc=IN IP4 "
                + localAddress + "\r\nt=0 0\r\nm=audio " + localPort + " RTP/AVP " + formats + "\r\n" + attributes
                + "a=ptime:20\r\na=" + direction + "\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
