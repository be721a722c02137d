package io.atrium.server.testing;

import io.atrium.webrtc.dtls.DtlsCertificate;
import io.atrium.webrtc.peer.ClientPeer;
import io.atrium.webrtc.peer.MediaListener;
import io.atrium.webrtc.peer.RemoteDescription;
import io.atrium.webrtc.sdp.Candidate;
import io.atrium.webrtc.sdp.MediaDescription;
import io.atrium.webrtc.sdp.SessionDescription;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Java WebRTC client for tests, on the {@code webrtc/} library's {@link ClientPeer}: writes a
 * minimal offer (Opus on mid 0, VP8 + RTX on mid 1), connects to the answer, sends RTP, and records
 * every RTP and RTCP packet it receives (copied).
 */
public final class JavaPeer implements AutoCloseable {

    public static final int OPUS_PT = 111;
    public static final int VP8_PT = 96;
    public static final int RTX_PT = 97;
    public static final int AUDIO_SSRC = 0x11110001;
    public static final int VIDEO_SSRC = 0x22220001;
    public static final int VIDEO_RTX_SSRC = 0x22220002;
    public static final int AUDIO_LEVEL_EXT = 1;
    private static final DtlsCertificate CERTIFICATE = DtlsCertificate.generate();

    public final List<byte[]> rtp = new CopyOnWriteArrayList<>();
    public final List<byte[]> rtcp = new CopyOnWriteArrayList<>();
    private final ClientPeer peer;
    private java.net.DatagramSocket socket;
    private SessionDescription answer;

    public JavaPeer() {
        this(io.atrium.webrtc.peer.PeerSettings.defaults());
    }

    /** A peer with its own ICE timers, e.g. one that never refreshes consent. */
    public JavaPeer(io.atrium.webrtc.peer.PeerSettings settings) {
        MediaListener listener = new MediaListener() {
            @Override
            public void onRtp(byte[] buf, int off, int len) {
                rtp.add(java.util.Arrays.copyOfRange(buf, off, off + len));
            }

            @Override
            public void onRtcp(byte[] buf, int off, int len) {
                rtcp.add(java.util.Arrays.copyOfRange(buf, off, off + len));
            }
        };
        try {
            socket = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            peer = new ClientPeer(socket, io.atrium.webrtc.ice.IceCredentials.generate(new java.security.SecureRandom()),
                    CERTIFICATE, settings, listener);
        } catch (java.net.SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a STUN Binding indication (RFC 8445 §11 keepalive, FINGERPRINT only) to the SFU's candidate,
     * as libnice does once connected, on the peer's own socket.
     */
    public void sendBindingIndication() {
        byte[] out = new byte[64];
        byte[] tx = new byte[12];
        new java.security.SecureRandom().nextBytes(tx);
        int n = new io.atrium.webrtc.stun.StunWriter().start(out, 0, io.atrium.webrtc.stun.StunMessage.BINDING_INDICATION, tx, 0)
                .addFingerprint().length();
        Candidate c = answer.media().get(0).candidates().get(0);
        try {
            socket.send(new java.net.DatagramPacket(out, n, new InetSocketAddress(c.address(), c.port())));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An offer that sends (publisher) or receives (subscriber) Opus and VP8. */
    public String offer(boolean send) {
        String dir = send ? "sendonly" : "recvonly";
        String common = "c=IN IP4 0.0.0.0\r\na=ice-ufrag:" + peer.localCredentials().ufrag() + "\r\na=ice-pwd:"
                + peer.localCredentials().password() + "\r\na=fingerprint:" + peer.localFingerprint().toSdpValue()
                + "\r\na=setup:active\r\na=rtcp-mux\r\na=" + dir + "\r\n";
        String audioSsrc = send ? "a=extmap:" + AUDIO_LEVEL_EXT + " urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=ssrc:"
                + Integer.toUnsignedString(AUDIO_SSRC) + " cname:java\r\n" : "";
        String videoSsrc = send ? "a=ssrc-group:FID " + Integer.toUnsignedString(VIDEO_SSRC) + " " + Integer.toUnsignedString(VIDEO_RTX_SSRC)
                + "\r\na=ssrc:" + Integer.toUnsignedString(VIDEO_SSRC) + " cname:java\r\na=ssrc:"
                + Integer.toUnsignedString(VIDEO_RTX_SSRC) + " cname:java\r\n" : "";
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF " + OPUS_PT + "\r\n" + common + "a=mid:0\r\na=rtpmap:" + OPUS_PT
                + " opus/48000/2\r\n" + audioSsrc
                + "m=video 9 UDP/TLS/RTP/SAVPF " + VP8_PT + " " + RTX_PT + "\r\n" + common + "a=mid:1\r\na=rtpmap:" + VP8_PT
                + " VP8/90000\r\na=rtcp-fb:" + VP8_PT + " nack\r\na=rtcp-fb:" + VP8_PT + " nack pli\r\na=rtpmap:" + RTX_PT
                + " rtx/90000\r\na=fmtp:" + RTX_PT + " apt=" + VP8_PT + "\r\n" + videoSsrc;
    }

    /** Connects to the SFU described by {@code answerSdp}. */
    public void connect(String answerSdp) {
        answer = SessionDescription.parse(answerSdp);
        MediaDescription m = answer.media().get(0);
        var ice = answer.iceCredentials(m).orElseThrow();
        Candidate c = m.candidates().get(0);
        peer.connect(new RemoteDescription(ice.ufrag(), ice.pwd(), answer.fingerprints(m).get(0).attributeValue(),
                new InetSocketAddress(c.address(), c.port())), Duration.ofSeconds(10));
    }

    public SessionDescription answer() {
        return answer;
    }

    /** Sends a packet; {@code payload} after a 12-byte header. */
    public boolean send(int pt, int seq, int ts, int ssrc, byte[] payload) {
        byte[] buf = new byte[12 + payload.length + ClientPeer.MAX_SRTP_OVERHEAD];
        io.atrium.webrtc.rtp.RtpPacket.writeHeader(buf, 0, false, pt, seq, ts, ssrc);
        System.arraycopy(payload, 0, buf, 12, payload.length);
        return peer.sendRtp(buf, 0, 12 + payload.length);
    }

    /** Sends an Opus packet carrying the RFC 6464 audio level (0 loudest .. 127 silence) in a one-byte extension. */
    public boolean sendAudio(int seq, int ts, int level, byte[] payload) {
        byte[] buf = new byte[12 + 8 + payload.length + ClientPeer.MAX_SRTP_OVERHEAD];
        io.atrium.webrtc.rtp.RtpPacket.writeHeader(buf, 0, false, OPUS_PT, seq, ts, AUDIO_SSRC);
        buf[0] |= 0x10; // X
        buf[12] = (byte) 0xBE;
        buf[13] = (byte) 0xDE;
        buf[15] = 1; // one 32-bit word of extensions
        buf[16] = (byte) (AUDIO_LEVEL_EXT << 4); // id, length 1
        buf[17] = (byte) (0x80 | level); // voice activity + level
        System.arraycopy(payload, 0, buf, 20, payload.length);
        return peer.sendRtp(buf, 0, 20 + payload.length);
    }

    public boolean sendRtcp(byte[] packet, int len) {
        byte[] buf = java.util.Arrays.copyOf(packet, len + ClientPeer.MAX_SRTP_OVERHEAD);
        return peer.sendRtcp(buf, 0, len);
    }

    public ClientPeer peer() {
        return peer;
    }

    @Override
    public void close() {
        peer.close();
    }
}
