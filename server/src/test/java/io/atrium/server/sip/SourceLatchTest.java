package io.atrium.server.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The strict symmetric RTP rule of one relay leg (docs/SIP.md, "Media"; docs/SECURITY.md, finding 24). */
class SourceLatchTest {

    static final InetSocketAddress SDP = address("10.0.0.5", 4000);
    static final InetSocketAddress NAT = address("203.0.113.7", 31000);
    static final InetSocketAddress STRANGER = address("198.51.100.9", 20000);
    static final InetSocketAddress SDP_HOST = address("10.0.0.5", 4100);
    static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    final SourceLatch latch = new SourceLatch();
    long now = 1_000 * SECOND;

    static InetSocketAddress address(String host, int port) {
        return new InetSocketAddress(host, port);
    }

    static ByteBuffer rtp(int ssrc, int sequence) {
        ByteBuffer b = ByteBuffer.allocate(12 + 160);
        b.put(0, (byte) 0x80).put(1, (byte) 0).putShort(2, (short) sequence).putInt(4, sequence * 160).putInt(8, ssrc);
        return b;
    }

    static ByteBuffer rtcp() {
        ByteBuffer b = ByteBuffer.allocate(8);
        b.put(0, (byte) 0x80).put(1, (byte) 201).putShort(2, (short) 1).putInt(4, 0x5eed);
        return b;
    }

    /** Sends {@code count} packets of one stream from {@code from}, 20 ms apart; how many the leg took. */
    int stream(InetSocketAddress from, int ssrc, int firstSequence, int count) {
        int taken = 0;
        for (int i = 0; i < count; i++) {
            now += SECOND / 50;
            taken += latch.acceptRtp(from, rtp(ssrc, firstSequence + i), now) ? 1 : 0;
        }
        return taken;
    }

    @Test
    void nothingIsTakenBeforeTheSdpSaysWhereThePhoneIs() {
        assertThat(stream(STRANGER, 1, 0, 20)).isZero();
        assertThat(latch.acceptRtcp(STRANGER, rtcp())).isFalse();
        assertThat(latch.rtpTarget()).isNull();
        assertThat(latch.rtcpTarget()).isNull();
    }

    @Test
    void thePhoneAtItsSdpAddressIsTakenAtOnceAndNoStrangerAfterIt() {
        latch.expect(SDP, now);
        assertThat(latch.rtpTarget()).isEqualTo(SDP);
        assertThat(latch.rtcpTarget()).isEqualTo(address("10.0.0.5", 4001));
        assertThat(stream(SDP, 7, 100, 1)).isEqualTo(1);
        assertThat(stream(STRANGER, 9, 0, 50)).as("a perfect stream from elsewhere").isZero();
        assertThat(stream(SDP_HOST, 9, 0, 50)).as("a perfect stream from the phone's host").isZero();
        assertThat(latch.rtpTarget()).isEqualTo(SDP);
        assertThat(stream(SDP, 7, 101, 3)).isEqualTo(3);
    }

    @Test
    void aPhoneBehindNatIsLearnedAfterFourPacketsInARowAndIsThenFinal() {
        latch.expect(SDP, now);
        assertThat(stream(NAT, 7, 65533, SourceLatch.PROBATION)).as("the last of the probation, across the wrap").isEqualTo(1);
        assertThat(latch.rtpTarget()).isEqualTo(NAT);
        assertThat(stream(NAT, 7, 1, 10)).isEqualTo(10);
        assertThat(stream(STRANGER, 9, 0, 50)).isZero();
        assertThat(latch.rtpTarget()).isEqualTo(NAT);
        assertThat(stream(NAT, 8, 500, 2)).as("the learned source, whatever it sends").isEqualTo(2);
    }

    @Test
    void probationNeedsOneSsrcAndConsecutiveSequenceNumbersFromOneSource() {
        latch.expect(SDP, now);
        assertThat(stream(NAT, 7, 10, 3) + stream(NAT, 7, 14, 3)).as("a gap starts over").isZero();
        assertThat(stream(NAT, 8, 17, 3)).as("another SSRC starts over").isZero();
        assertThat(stream(NAT, 7, 20, 2) + stream(STRANGER, 9, 0, 1) + stream(NAT, 7, 22, 2))
                .as("another source in between starts over").isZero();
        ByteBuffer version1 = rtp(7, 24).put(0, (byte) 0x40);
        ByteBuffer rtcpLike = rtp(7, 24).put(1, (byte) 72);
        ByteBuffer csrcsMissing = rtp(7, 24).put(0, (byte) 0x8f).limit(40);
        ByteBuffer tooShort = rtp(7, 24).limit(11);
        for (ByteBuffer bad : new ByteBuffer[] {version1, rtcpLike, csrcsMissing, tooShort}) {
            assertThat(latch.acceptRtp(NAT, bad, now)).isFalse();
        }
        assertThat(latch.rtpTarget()).as("malformed packets do not count").isEqualTo(SDP);
        assertThat(stream(NAT, 7, 24, SourceLatch.PROBATION)).as("nor start over: 22, 23, 24, 25").isEqualTo(3);
        assertThat(latch.rtpTarget()).isEqualTo(NAT);
    }

    @Test
    void anotherSourceIsLearnedOnlyDuringTheLearningPeriodTheSdpAddressAlways() {
        latch.expect(SDP, now);
        now += SourceLatch.LEARNING_SECONDS * SECOND;
        assertThat(stream(NAT, 7, 0, 50)).as("after the learning period").isZero();
        assertThat(latch.rtpTarget()).isEqualTo(SDP);

        latch.answered(now);
        now += SourceLatch.LEARNING_SECONDS * SECOND - SECOND;
        assertThat(stream(NAT, 7, 50, SourceLatch.PROBATION)).as("the answer started a new period").isEqualTo(1);
        assertThat(latch.rtpTarget()).isEqualTo(NAT);

        now += 3600 * SECOND;
        assertThat(stream(SDP, 5, 0, 1)).as("the SDP's address, an hour later").isEqualTo(1);
        assertThat(latch.rtpTarget()).isEqualTo(SDP);
        assertThat(stream(NAT, 7, 54, 3)).as("never back").isZero();
    }

    @Test
    void aSourceOnTheSdpsHostIsPreferredToOneElsewhere() {
        latch.expect(SDP, now);
        assertThat(stream(STRANGER, 9, 0, SourceLatch.PROBATION)).isEqualTo(1);
        assertThat(stream(SDP_HOST, 7, 0, SourceLatch.PROBATION)).as("nearer the SDP, in the period").isEqualTo(1);
        assertThat(latch.rtpTarget()).isEqualTo(SDP_HOST);
        assertThat(stream(STRANGER, 9, 4, 20)).as("never back").isZero();
        assertThat(stream(address("10.0.0.5", 4200), 3, 0, 20)).as("another port on the host: no nearer").isZero();
        assertThat(latch.rtpTarget()).isEqualTo(SDP_HOST);

        latch.expect(address("10.0.0.6", 4000), now);
        assertThat(stream(address("10.0.0.6", 4300), 7, 0, 2) + stream(STRANGER, 9, 0, SourceLatch.PROBATION)
                + stream(address("10.0.0.6", 4300), 7, 2, 2))
                .as("a stream elsewhere does not displace one on the SDP's host proving itself").isEqualTo(1);
        assertThat(latch.rtpTarget()).isEqualTo(address("10.0.0.6", 4300));
    }

    @Test
    void aReinviteWithTheSameAddressKeepsWhatWasLearnedAnotherAddressLearnsAnew() {
        latch.expect(SDP, now);
        stream(NAT, 7, 0, SourceLatch.PROBATION);
        latch.expect(address("10.0.0.5", 4000), now);
        assertThat(latch.rtpTarget()).isEqualTo(NAT);

        InetSocketAddress moved = address("10.0.0.8", 5000);
        latch.expect(moved, now);
        assertThat(latch.rtpTarget()).isEqualTo(moved);
        assertThat(latch.rtcpTarget()).isEqualTo(address("10.0.0.8", 5001));
        assertThat(stream(NAT, 7, 4, 1)).as("the old source is nobody now").isZero();
        InetSocketAddress movedNat = address("203.0.113.99", 40000);
        assertThat(stream(movedNat, 7, 5, SourceLatch.PROBATION)).isEqualTo(1);
        assertThat(latch.rtpTarget()).isEqualTo(movedNat);
    }

    /**
     * Another phone takes the leg (a fork's early media move to the phone that answers, docs/SECURITY.md finding 29):
     * the earlier phone's SDP address, its learned source and its RTCP are never taken again, not even from the new
     * SDP's host within the learning period, while the new phone is taken as any.
     */
    @Test
    void theEarlierPhonesAddressesAreNeverLearnedForAnotherPhone() {
        latch.expect(SDP, now);
        stream(NAT, 7, 0, SourceLatch.PROBATION);
        InetSocketAddress natRtcp = address("203.0.113.7", 31001);
        assertThat(latch.acceptRtcp(natRtcp, rtcp())).isTrue();

        latch.another();
        assertThat(latch.rtpTarget()).isNull();
        assertThat(latch.rtcpTarget()).isNull();
        assertThat(stream(NAT, 7, 4, 5)).as("the earlier phone, before the next SDP").isZero();
        InetSocketAddress next = address("10.0.0.5", 4200);
        latch.expect(next, now);
        assertThat(stream(SDP, 7, 20, 20)).as("the earlier phone's SDP address, on the new SDP's host").isZero();
        assertThat(stream(NAT, 7, 40, 20)).as("the earlier phone's learned source").isZero();
        assertThat(latch.acceptRtcp(address("10.0.0.5", 4001), rtcp())).as("the earlier SDP's RTCP").isFalse();
        assertThat(latch.acceptRtcp(natRtcp, rtcp())).as("the earlier phone's RTCP").isFalse();
        assertThat(latch.rtpTarget()).isEqualTo(next);
        assertThat(stream(next, 8, 0, 1)).isEqualTo(1);
        assertThat(latch.acceptRtcp(address("10.0.0.5", 4201), rtcp())).isTrue();
    }

    @Test
    void rtcpComesFromTheRtpSourcesHostAndItsFirstPortIsFinal() {
        latch.expect(SDP, now);
        assertThat(latch.acceptRtcp(STRANGER, rtcp())).isFalse();
        assertThat(latch.acceptRtcp(SDP_HOST, rtp(1, 1))).as("not RTCP").isFalse();
        assertThat(latch.acceptRtcp(address("10.0.0.5", 4001), rtcp())).as("the SDP's host before RTP is learned").isTrue();
        assertThat(latch.rtcpTarget()).isEqualTo(address("10.0.0.5", 4001));

        stream(NAT, 7, 0, SourceLatch.PROBATION);
        assertThat(latch.rtcpTarget()).as("the RTP moved to another host").isEqualTo(address("10.0.0.5", 4001));
        assertThat(latch.acceptRtcp(address("10.0.0.5", 4001), rtcp())).isFalse();
        InetSocketAddress natRtcp = address("203.0.113.7", 31417);
        assertThat(latch.acceptRtcp(natRtcp, rtcp())).isTrue();
        assertThat(latch.rtcpTarget()).isEqualTo(natRtcp);
        assertThat(latch.acceptRtcp(natRtcp, rtp(1, 1))).as("anything from the latched RTCP source").isTrue();
        assertThat(latch.acceptRtcp(address("203.0.113.7", 31000), rtcp())).as("another port, same host").isFalse();
        assertThat(latch.acceptRtcp(STRANGER, rtcp())).isFalse();
        assertThat(latch.rtcpTarget()).isEqualTo(natRtcp);
    }

    @Test
    void judgingAPacketAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        latch.expect(SDP, now);
        stream(NAT, 7, 0, SourceLatch.PROBATION);
        ByteBuffer phone = rtp(7, 4);
        ByteBuffer stranger = rtp(9, 0);
        ByteBuffer report = rtcp();
        InetSocketAddress natRtcp = address("203.0.113.7", 31001);
        for (int i = 0; i < 20_000; i++) {
            if (i == 10_000) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int j = 0; j < 1000; j++) {
                    phone.putShort(2, (short) (4 + j));
                    stranger.putShort(2, (short) (2 * j)); // never in a row: a candidate on the SDP's host, over and over
                    latch.acceptRtp(NAT, phone, now);
                    latch.acceptRtp(STRANGER, stranger, now);
                    latch.acceptRtp(SDP_HOST, stranger, now);
                    latch.acceptRtcp(natRtcp, report);
                    latch.acceptRtcp(STRANGER, report);
                }
                assertThat(threads.getCurrentThreadAllocatedBytes() - before).isZero();
            }
            latch.acceptRtp(NAT, phone, now);
            latch.acceptRtp(STRANGER, stranger, now);
            latch.acceptRtp(SDP_HOST, stranger, now);
            latch.acceptRtcp(natRtcp, report);
            latch.acceptRtcp(STRANGER, report);
        }
        assertThat(latch.rtpTarget()).isEqualTo(NAT);
    }
}
