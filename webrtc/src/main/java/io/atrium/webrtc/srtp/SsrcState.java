package io.atrium.webrtc.srtp;

/**
 * Per-SSRC state of one {@link SrtpContext}: the SRTP replay window, whose top is the highest index
 * (ROC = top >>> 16, s_l = top &amp; 0xFFFF, RFC 3711 section 3.3.1), the SRTCP replay window, and the
 * next SRTCP index to send (RFC 3711 section 3.4).
 */
final class SsrcState {
    final ReplayWindow rtp = new ReplayWindow(SrtpContext.RTP_REPLAY_WINDOW);
    final ReplayWindow rtcp = new ReplayWindow(SrtpContext.RTCP_REPLAY_WINDOW);
    /** Next SRTCP index to send; negative once all 2^31 indices are used. */
    int nextSrtcpIndex;
}
