package io.atrium.webrtc.peer;

import io.atrium.webrtc.util.Bytes;

/** Plain RTP and RTCP test packets with recognisable contents. */
final class Media {
    static final int RTP_HEADER = 12;

    private Media() {
    }

    /** RTP version 2, payload type 96, sequence {@code seq}, payload bytes {@code (seq * 7 + i)}. */
    static byte[] rtp(int ssrc, int seq, int payloadLength) {
        byte[] b = new byte[RTP_HEADER + payloadLength];
        b[0] = (byte) 0x80;
        b[1] = 96;
        Bytes.put16(b, 2, seq);
        Bytes.put32(b, 4, seq * 960);
        Bytes.put32(b, 8, ssrc);
        for (int i = 0; i < payloadLength; i++) {
            b[RTP_HEADER + i] = (byte) (seq * 7 + i);
        }
        return b;
    }

    /** RTCP receiver report without report blocks (RFC 3550 section 6.4.2): PT 201, length 1. */
    static byte[] receiverReport(int ssrc) {
        byte[] b = new byte[8];
        b[0] = (byte) 0x80;
        b[1] = (byte) 201;
        Bytes.put16(b, 2, 1);
        Bytes.put32(b, 4, ssrc);
        return b;
    }

    /** RTCP PLI (RFC 4585 section 6.3.1): PT 206, FMT 1, length 2. */
    static byte[] pli(int senderSsrc, int mediaSsrc) {
        byte[] b = new byte[12];
        b[0] = (byte) 0x81;
        b[1] = (byte) 206;
        Bytes.put16(b, 2, 2);
        Bytes.put32(b, 4, senderSsrc);
        Bytes.put32(b, 8, mediaSsrc);
        return b;
    }
}
