package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

/** Builds plain RTP/RTCP test packets with room for the SRTP trailer. */
final class Packets {
    static final int ROOM = 64;

    private Packets() {
    }

    /** RTP: V=2, PT 96, the given seq and SSRC, payload octets i * 7. */
    static byte[] rtp(int seq, int ssrc, int payloadLength) {
        byte[] b = new byte[12 + payloadLength + ROOM];
        b[0] = (byte) 0x80;
        b[1] = 96;
        b[2] = (byte) (seq >>> 8);
        b[3] = (byte) seq;
        b[4] = 0x11;
        b[7] = 0x22;
        Bytes.put32(b, 8, ssrc);
        for (int i = 0; i < payloadLength; i++) {
            b[12 + i] = (byte) (i * 7);
        }
        return b;
    }

    /** RTCP receiver report with no report blocks plus {@code extra} octets of payload (a compound tail). */
    static byte[] rtcp(int ssrc, int extra) {
        byte[] b = new byte[8 + extra + ROOM];
        b[0] = (byte) 0x80;
        b[1] = (byte) 201;
        b[3] = 1;
        Bytes.put32(b, 4, ssrc);
        for (int i = 0; i < extra; i++) {
            b[8 + i] = (byte) (i + 1);
        }
        return b;
    }
}
