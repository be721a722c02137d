package io.atrium.server.testing;

import io.atrium.webrtc.dtls.DtlsCertificate;
import io.atrium.webrtc.ice.IceCredentials;
import java.security.SecureRandom;

/** Offers an attacker would send: many simulcast rids, many video m-lines, many SSRCs (issue 11, finding 4). */
public final class HostileSdp {

    private static final DtlsCertificate CERTIFICATE = DtlsCertificate.generate();
    private static final SecureRandom RANDOM = new SecureRandom();

    private HostileSdp() {
    }

    /** A publish offer with {@code mlines} video m-lines, each sending {@code rids} simulcast rids and {@code ssrcs} SSRCs. */
    public static String offer(int mlines, int rids, int ssrcs) {
        IceCredentials ice = IceCredentials.generate(RANDOM);
        StringBuilder sb = new StringBuilder("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE");
        for (int m = 0; m < mlines; m++) {
            sb.append(' ').append(m);
        }
        sb.append("\r\na=ice-ufrag:").append(ice.ufrag()).append("\r\na=ice-pwd:").append(ice.password())
                .append("\r\na=fingerprint:").append(CERTIFICATE.fingerprint().toSdpValue()).append("\r\na=setup:active\r\n");
        for (int m = 0; m < mlines; m++) {
            sb.append("m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtcp-mux\r\na=sendonly\r\na=mid:").append(m)
                    .append("\r\na=rtpmap:96 VP8/90000\r\na=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                            + "a=extmap:2 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n");
            if (rids > 0) {
                StringBuilder list = new StringBuilder();
                for (int r = 0; r < rids; r++) {
                    sb.append("a=rid:r").append(r).append(" send\r\n");
                    list.append(r > 0 ? ";" : "").append('r').append(r);
                }
                sb.append("a=simulcast:send ").append(list).append("\r\n");
            }
            for (int s = 0; s < ssrcs; s++) {
                sb.append("a=ssrc:").append(1000 + m * 1000 + s).append(" cname:x\r\n");
            }
        }
        return sb.toString();
    }
}
