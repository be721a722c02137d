package io.atrium.server.sip;

import io.atrium.server.sip.audio.AudioCodec;
import io.atrium.server.sip.audio.G711Codec;
import io.atrium.server.sip.audio.OpusCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audio a phone and Atrium agree on when Atrium itself answers (a call into a room): from the
 * phone's offer (RFC 3264) one codec — Opus if offered, else PCMU, else PCMA — and RFC 4733
 * telephone-event if offered; and Atrium's answer, pointed at its own RTP socket.
 */
record PhoneSdp(String address, int port, String codec, int payloadType, int dtmfPayloadType) {

    /** Opus bitrate towards a softphone, bit/s. */
    static final int OPUS_BITRATE = OpusCodecs.BITRATE;

    private static final Pattern AUDIO = Pattern.compile("(?m)^m=audio (\\d+) RTP/AVP((?: \\d+)+)\\s*$");
    private static final Pattern RTPMAP = Pattern.compile("(?m)^a=rtpmap:(\\d+) ([^/\\s]+)/(\\d+)");

    /** The agreement for {@code offer}, or null when it has no audio Atrium speaks. */
    static PhoneSdp negotiate(Sdp offer) {
        Matcher m = AUDIO.matcher(offer.text());
        if (!m.find()) {
            return null;
        }
        List<Integer> offered = new ArrayList<>();
        for (String pt : m.group(2).trim().split(" ")) {
            offered.add(Integer.parseInt(pt));
        }
        int opus = -1;
        int dtmf = -1;
        Matcher r = RTPMAP.matcher(offer.text());
        while (r.find()) {
            int pt = Integer.parseInt(r.group(1));
            String name = r.group(2).toLowerCase(Locale.ROOT);
            if (!offered.contains(pt)) {
                continue;
            }
            if (name.equals("opus") && r.group(3).equals("48000") && opus < 0) {
                opus = pt;
            } else if (name.equals("telephone-event") && r.group(3).equals("8000") && dtmf < 0) {
                dtmf = pt;
            }
        }
        if (opus >= 0) {
            return new PhoneSdp(offer.address(), offer.audioPort(), "opus", opus, dtmf);
        }
        if (offered.contains(0)) {
            return new PhoneSdp(offer.address(), offer.audioPort(), "PCMU", 0, dtmf);
        }
        if (offered.contains(8)) {
            return new PhoneSdp(offer.address(), offer.audioPort(), "PCMA", 8, dtmf);
        }
        return null;
    }

    /** A fresh codec state for this agreement. */
    AudioCodec newCodec() {
        return switch (codec) {
            case "opus" -> new OpusCodec(OPUS_BITRATE, OpusCodecs.COMPLEXITY);
            case "PCMA" -> new G711Codec(false);
            default -> new G711Codec(true);
        };
    }

    /** Atrium's answer: audio at {@code address}:{@code port}, this codec (and DTMF when offered), 20 ms frames. */
    byte[] answer(String localAddress, int localPort) {
        StringBuilder a = new StringBuilder();
        a.append("a=rtpmap:").append(payloadType).append(' ')
                .append(codec.equals("opus") ? "opus/48000/2" : codec + "/8000").append("\r\n");
        if (codec.equals("opus")) {
            a.append(OPUS_FMTP.formatted(payloadType));
        }
        if (dtmfPayloadType >= 0) {
            a.append(DTMF.formatted(dtmfPayloadType, dtmfPayloadType));
        }
        return body(localAddress, localPort, payloadType + (dtmfPayloadType >= 0 ? " " + dtmfPayloadType : ""), a.toString());
    }

    /** Atrium's offer when it dials a phone (room invites): Opus, PCMU, PCMA and telephone-event, 20 ms frames. */
    static byte[] offer(String localAddress, int localPort) {
        return body(localAddress, localPort, OFFER_OPUS + " 0 8 " + OFFER_DTMF, "a=rtpmap:" + OFFER_OPUS + " opus/48000/2\r\n"
                + OPUS_FMTP.formatted(OFFER_OPUS) + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + DTMF.formatted(OFFER_DTMF, OFFER_DTMF));
    }

    private static final int OFFER_OPUS = 111;
    private static final int OFFER_DTMF = 101;
    private static final String OPUS_FMTP = "a=fmtp:%d useinbandfec=1;maxaveragebitrate=" + OPUS_BITRATE + "\r\n";
    private static final String DTMF = "a=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-15\r\n";

    private static byte[] body(String localAddress, int localPort, String formats, String attributes) {
        long session = System.currentTimeMillis();
        String text = "v=0\r\no=atrium " + session + " " + session + " IN IP4 " + localAddress + "\r\ns=Atrium\r\nc=IN IP4 "
                + localAddress + "\r\nt=0 0\r\nm=audio " + localPort + " RTP/AVP " + formats + "\r\n" + attributes
                + "a=ptime:20\r\na=sendrecv\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
