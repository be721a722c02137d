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
        long session = System.currentTimeMillis();
        StringBuilder b = new StringBuilder();
        b.append("v=0\r\n").append("o=atrium ").append(session).append(' ').append(session).append(" IN IP4 ")
                .append(localAddress).append("\r\n").append("s=Atrium\r\n").append("c=IN IP4 ").append(localAddress)
                .append("\r\n").append("t=0 0\r\n").append("m=audio ").append(localPort).append(" RTP/AVP ").append(payloadType);
        if (dtmfPayloadType >= 0) {
            b.append(' ').append(dtmfPayloadType);
        }
        b.append("\r\n");
        b.append("a=rtpmap:").append(payloadType).append(' ')
                .append(codec.equals("opus") ? "opus/48000/2" : codec + "/8000").append("\r\n");
        if (codec.equals("opus")) {
            b.append("a=fmtp:").append(payloadType).append(" useinbandfec=1;maxaveragebitrate=").append(OPUS_BITRATE).append("\r\n");
        }
        if (dtmfPayloadType >= 0) {
            b.append("a=rtpmap:").append(dtmfPayloadType).append(" telephone-event/8000\r\n")
                    .append("a=fmtp:").append(dtmfPayloadType).append(" 0-15\r\n");
        }
        b.append("a=ptime:20\r\n").append("a=sendrecv\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
