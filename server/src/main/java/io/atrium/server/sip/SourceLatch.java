package io.atrium.server.sip;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strict symmetric RTP for one relay leg: which sources its packets are taken from, and where the leg sends.
 *
 * <p>The phone's SDP names where it listens; a phone behind NAT sends from another address, which the leg
 * learns. Nobody else may become the leg's phone (RTP hijack, "RTP bleed"). The rule:
 * <ul>
 *   <li>Packets from the SDP's exact address are always taken, and that address is then the leg's source for good.
 *   <li>Another source is learned only during the learning period ({@value #LEARNING_SECONDS} s after the SDP is
 *       given or changed, and after the call is answered), only once it sent {@value #PROBATION} well-formed RTP
 *       packets in a row with one SSRC and consecutive sequence numbers; its packets are dropped until then.
 *   <li>A learned source is final: other sources are dropped. Only a source nearer the SDP replaces it: one on the
 *       SDP's host (learned the same way, within the period) replaces one elsewhere, and the SDP's exact address
 *       replaces either. A candidate on the SDP's host is not displaced by one elsewhere while it proves itself.
 *   <li>When the leg's phone is another one (a fork's early media moving to another branch, {@link #another}), what
 *       the earlier phone listened on and sent from is never learned again.
 *   <li>RTCP is taken from the host of the RTP source (the SDP's host until one is learned); the first well-formed
 *       RTCP packet from there latches its port (a phone's RTCP port need not be its RTP port + 1 behind NAT).
 * </ul>
 * Until a source is learned the leg sends to the SDP's address (RTCP to its port + 1). Nothing here allocates per
 * packet: the relay thread passes the source address the channel gave it and the packet in place.
 */
final class SourceLatch {

    /** Consecutive packets a source other than the SDP's address sends before it is learned. */
    static final int PROBATION = 4;
    static final int LEARNING_SECONDS = 5;
    private static final long LEARNING_NANOS = TimeUnit.SECONDS.toNanos(LEARNING_SECONDS);

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.rtp");

    /** How near a source is to the SDP's address: a latched source is replaced only by a nearer one. */
    private static final int NO_SDP = -1;
    private static final int ELSEWHERE = 0;
    private static final int SDP_HOST = 1;
    private static final int SDP_ADDRESS = 2;

    private InetSocketAddress sdp;
    private InetSocketAddress source;
    private int sourceRank = NO_SDP;
    private boolean learning;
    private long learningEnds;
    private InetSocketAddress candidate;
    private int candidateRank;
    private int candidateSsrc;
    private int candidateSequence;
    private int candidatePackets;
    private InetSocketAddress rtcpSource;
    private volatile InetSocketAddress rtpTarget;
    private volatile InetSocketAddress rtcpTarget;
    /**
     * Where the leg's earlier phones listened and sent from ({@link #another}: another branch of a fork took the leg),
     * at most {@value #BARRED} of them: never learned again, so that a phone whose early media stopped cannot become
     * the new phone's source by going on sending within the learning period.
     */
    private final InetSocketAddress[] barred = new InetSocketAddress[BARRED];
    private int barredNext;
    private static final int BARRED = 16;

    /**
     * The phone's SDP names {@code rtp} (RTCP: its port + 1), at {@code now} ({@link System#nanoTime()}). The same
     * address again (a session refresh) changes nothing; another one forgets what was learned and starts learning.
     */
    synchronized void expect(InetSocketAddress rtp, long now) {
        if (rtp.equals(sdp)) {
            return;
        }
        sdp = rtp;
        forgetSources();
        rtpTarget = rtp;
        rtcpTarget = sdpRtcp();
        startLearning(now);
    }

    /**
     * The leg's phone is another one from now on (a fork's early media moves to another branch, or stops): what the
     * phone so far listened on and sent from (its SDP's RTP and RTCP addresses, its learned sources) is barred, and the
     * leg takes and sends nothing until {@link #expect} names the new phone.
     */
    synchronized void another() {
        if (sdp != null) {
            bar(sdp);
            bar(sdpRtcp());
        }
        bar(source);
        bar(rtcpSource);
        sdp = null;
        forgetSources();
        learning = false;
        rtpTarget = null;
        rtcpTarget = null;
    }

    /** Forgets the sources learned (and the candidate being learned) of the phone the leg had. */
    private void forgetSources() {
        source = null;
        sourceRank = NO_SDP;
        candidate = null;
        rtcpSource = null;
    }

    private void bar(InetSocketAddress address) {
        if (address != null && !isBarred(address)) {
            barred[barredNext] = address;
            barredNext = (barredNext + 1) % BARRED;
        }
    }

    private boolean isBarred(InetSocketAddress from) {
        for (InetSocketAddress b : barred) {
            if (from.equals(b)) {
                return true;
            }
        }
        return false;
    }

    private InetSocketAddress sdpRtcp() {
        return sdp.isUnresolved() ? InetSocketAddress.createUnresolved(sdp.getHostString(), sdp.getPort() + 1)
                : new InetSocketAddress(sdp.getAddress(), sdp.getPort() + 1);
    }

    /** The call was answered at {@code now}: its phone starts sending, so the learning period starts again. */
    synchronized void answered(long now) {
        if (sdp != null && sourceRank < SDP_ADDRESS) {
            startLearning(now);
        }
    }

    private void startLearning(long now) {
        learning = true;
        learningEnds = now + LEARNING_NANOS;
    }

    /**
     * Whether the RTP packet {@code packet} (position 0, limit its length) that came from {@code from} at {@code now}
     * is the phone's; the packets of a source being learned are not, until it is learned.
     */
    synchronized boolean acceptRtp(InetSocketAddress from, ByteBuffer packet, long now) {
        if (from.equals(source)) {
            return true;
        }
        int rank = rank(from);
        if (rank == SDP_ADDRESS) {
            latch(from, rank);
            return true;
        }
        if (isBarred(from) || rank <= sourceRank || !learning || now - learningEnds >= 0 || !isRtp(packet)
                || candidate != null && rank < candidateRank) {
            return false;
        }
        int ssrc = packet.getInt(8);
        int sequence = packet.getShort(2) & 0xffff;
        if (from.equals(candidate) && ssrc == candidateSsrc && sequence == ((candidateSequence + 1) & 0xffff)) {
            candidateSequence = sequence;
            if (++candidatePackets >= PROBATION) {
                latch(from, rank);
                return true;
            }
            return false;
        }
        candidate = from;
        candidateRank = rank;
        candidateSsrc = ssrc;
        candidateSequence = sequence;
        candidatePackets = 1;
        return false;
    }

    /** Whether the RTCP packet {@code packet} (position 0, limit its length) that came from {@code from} is the phone's. */
    synchronized boolean acceptRtcp(InetSocketAddress from, ByteBuffer packet) {
        if (from.equals(rtcpSource)) {
            return true;
        }
        InetAddress host = source != null ? source.getAddress() : sdp != null ? sdp.getAddress() : null;
        if (rtcpSource != null || host == null || !host.equals(from.getAddress()) || isBarred(from) || !isRtcp(packet)) {
            return false;
        }
        rtcpSource = from;
        rtcpTarget = from;
        return true;
    }

    /** Where the leg sends RTP: the learned source, else the SDP's address; null before any SDP. */
    InetSocketAddress rtpTarget() {
        return rtpTarget;
    }

    /** Where the leg sends RTCP: where the phone's RTCP comes from, else the SDP's port + 1; null before any SDP. */
    InetSocketAddress rtcpTarget() {
        return rtcpTarget;
    }

    private int rank(InetSocketAddress from) {
        if (sdp == null) {
            return NO_SDP;
        }
        if (from.equals(sdp)) {
            return SDP_ADDRESS;
        }
        InetAddress host = sdp.getAddress();
        return host != null && host.equals(from.getAddress()) ? SDP_HOST : ELSEWHERE;
    }

    private void latch(InetSocketAddress from, int rank) {
        if (rtcpSource != null && !rtcpSource.getAddress().equals(from.getAddress())) {
            rtcpSource = null;
            rtcpTarget = sdpRtcp();
        }
        if (log.isDebugEnabled()) {
            log.debug("RTP from {} is the phone's (SDP: {}, before: {})", from, sdp, source);
        }
        source = from;
        sourceRank = rank;
        candidate = null;
        rtpTarget = from;
    }

    /** RTP (RFC 3550 5.1): version 2, the header and its CSRCs inside, a payload type no RTCP packet type looks like (RFC 5761 4). */
    static boolean isRtp(ByteBuffer packet) {
        int length = packet.limit();
        if (length < 12) {
            return false;
        }
        int first = packet.get(0) & 0xff;
        int type = packet.get(1) & 0x7f;
        return first >> 6 == 2 && length >= 12 + 4 * (first & 0x0f) && (type < 64 || type > 95);
    }

    /** RTCP (RFC 3550 6.4): version 2, a header and sender SSRC, packet type SR, RR, SDES, BYE, APP or feedback/XR (200–207). */
    static boolean isRtcp(ByteBuffer packet) {
        if (packet.limit() < 8) {
            return false;
        }
        int type = packet.get(1) & 0xff;
        return (packet.get(0) & 0xff) >> 6 == 2 && type >= 200 && type <= 207;
    }
}
