package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour of {@link SrtpContext} for both profiles: round trips, authentication, replay, ROC, bad input. */
class SrtpContextTest {
    private static final int SSRC = 0x5501a0b2;

    private static SrtpContext context(SrtpProfile profile) {
        byte[] key = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        Arrays.fill(key, (byte) 0x42);
        Arrays.fill(salt, (byte) 0x17);
        return new SrtpContext(profile, key, salt);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripAt160And1200OctetPayloads(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        int seq = 1000;
        for (int payload : new int[] {160, 1200, 0, 1, 15, 16, 17}) {
            byte[] buf = Packets.rtp(seq++, SSRC, payload);
            byte[] plain = Arrays.copyOf(buf, 12 + payload);
            int len = sender.protectRtp(buf, 0, 12 + payload);
            assertThat(len).isEqualTo(12 + payload + profile.rtpOverhead());
            assertThat(Arrays.copyOf(buf, 12)).isEqualTo(Arrays.copyOf(plain, 12));
            if (payload >= 16) {
                assertThat(Arrays.copyOfRange(buf, 12, 12 + payload)).isNotEqualTo(Arrays.copyOfRange(plain, 12, 12 + payload));
            }
            assertThat(receiver.unprotectRtp(buf, 0, len)).isEqualTo(12 + payload);
            assertThat(Arrays.copyOf(buf, 12 + payload)).isEqualTo(plain);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void headerWithCsrcsAndExtensionStaysClearAndAuthenticated(SrtpProfile profile) {
        byte[] buf = new byte[12 + 8 + 8 + 160 + Packets.ROOM];
        byte[] base = Packets.rtp(7, SSRC, 0);
        System.arraycopy(base, 0, buf, 0, 12);
        buf[0] = (byte) 0x92; // V=2, X=1, CC=2
        buf[12 + 8] = (byte) 0xBE;
        buf[12 + 9] = (byte) 0xDE;
        buf[12 + 11] = 1; // one extension word
        int len = 12 + 8 + 8 + 160;
        byte[] plain = Arrays.copyOf(buf, len);
        SrtpContext sender = context(profile);
        int protectedLength = sender.protectRtp(buf, 0, len);
        assertThat(Arrays.copyOf(buf, 28)).isEqualTo(Arrays.copyOf(plain, 28));
        byte[] tampered = buf.clone();
        tampered[25] ^= 1; // inside the extension: authenticated, not encrypted
        assertThat(context(profile).unprotectRtp(tampered, 0, protectedLength)).isEqualTo(SrtpError.AUTH_FAILED);
        assertThat(context(profile).unprotectRtp(buf, 0, protectedLength)).isEqualTo(len);
        assertThat(Arrays.copyOf(buf, len)).isEqualTo(plain);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void worksAtAnOffsetInsideALargerBuffer(SrtpProfile profile) {
        byte[] packet = Packets.rtp(3, SSRC, 200);
        byte[] buf = new byte[9 + packet.length];
        System.arraycopy(packet, 0, buf, 9, packet.length);
        byte[] expected = Arrays.copyOfRange(buf, 9, 9 + 212);
        int len = context(profile).protectRtp(buf, 9, 212);
        assertThat(context(profile).unprotectRtp(buf, 9, len)).isEqualTo(212);
        assertThat(Arrays.copyOfRange(buf, 9, 9 + 212)).isEqualTo(expected);
        assertThat(buf[0] | buf[8]).isZero();
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedTagOrPayloadFailsAuthenticationAndDoesNotAdvanceState(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] buf = Packets.rtp(10, SSRC, 160);
        int len = sender.protectRtp(buf, 0, 172);
        for (int position : new int[] {len - 1, len - profile.authTagLength(), 12, 100, 2, 8}) {
            byte[] tampered = buf.clone();
            tampered[position] ^= 0x40;
            byte[] before = tampered.clone();
            assertThat(receiver.unprotectRtp(tampered, 0, len)).as("octet %d", position).isEqualTo(SrtpError.AUTH_FAILED);
            assertThat(tampered).isEqualTo(before);
        }
        assertThat(receiver.ssrcCount()).isZero();
        assertThat(receiver.unprotectRtp(buf, 0, len)).isEqualTo(172);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedPacketIsRejected(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        byte[] buf = Packets.rtp(500, SSRC, 160);
        int len = sender.protectRtp(buf, 0, 172);
        byte[] copy = buf.clone();
        assertThat(receiver.unprotectRtp(buf, 0, len)).isEqualTo(172);
        assertThat(receiver.unprotectRtp(copy, 0, len)).isEqualTo(SrtpError.REPLAYED);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void reorderedPacketInsideTheWindowIsAcceptedOnceAndOneBehindTheWindowIsTooOld(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        int window = SrtpContext.RTP_REPLAY_WINDOW;
        byte[][] packets = new byte[window + 2][];
        int[] lengths = new int[packets.length];
        for (int seq = 0; seq < packets.length; seq++) {
            packets[seq] = Packets.rtp(seq, SSRC, 20);
            lengths[seq] = sender.protectRtp(packets[seq], 0, 32);
        }
        assertThat(receiver.unprotectRtp(packets[window], 0, lengths[window])).isEqualTo(32);
        assertThat(receiver.unprotectRtp(packets[1], 0, lengths[1])).isEqualTo(32); // window - 1 behind
        assertThat(receiver.unprotectRtp(packets[1], 0, lengths[1])).isEqualTo(SrtpError.REPLAYED);
        assertThat(receiver.unprotectRtp(packets[0], 0, lengths[0])).isEqualTo(SrtpError.TOO_OLD); // window behind
        assertThat(receiver.unprotectRtp(packets[window + 1], 0, lengths[window + 1])).isEqualTo(32);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rolloverAcrossSeq65535AndAnOutOfOrderPacketFromBeforeTheWrap(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        int[] seqs = {65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3};
        byte[][] packets = new byte[seqs.length][];
        int[] lengths = new int[seqs.length];
        for (int i = 0; i < seqs.length; i++) {
            packets[i] = Packets.rtp(seqs[i], SSRC, 160);
            lengths[i] = sender.protectRtp(packets[i], 0, 172);
            assertThat(lengths[i]).isPositive();
        }
        assertThat(sender.rolloverCounter(SSRC)).isEqualTo(1);
        int[] arrival = {0, 1, 2, 3, 5, 6, 7, 4, 8, 9}; // 65534 arrives after 0 and 1
        for (int i : arrival) {
            byte[] expected = Packets.rtp(seqs[i], SSRC, 160);
            assertThat(receiver.unprotectRtp(packets[i], 0, lengths[i])).as("seq %d", seqs[i]).isEqualTo(172);
            assertThat(Arrays.copyOf(packets[i], 172)).isEqualTo(Arrays.copyOf(expected, 172));
        }
        assertThat(receiver.rolloverCounter(SSRC)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void senderRefusesToProtectTheSameIndexTwice(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        assertThat(sender.protectRtp(Packets.rtp(9, SSRC, 10), 0, 22)).isPositive();
        assertThat(sender.protectRtp(Packets.rtp(9, SSRC, 10), 0, 22)).isEqualTo(SrtpError.REPLAYED);
        assertThat(sender.protectRtp(Packets.rtp(8, SSRC, 10), 0, 22)).isPositive();
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpBadInputTable(SrtpProfile profile) {
        SrtpContext receiver = context(profile);
        int tag = profile.authTagLength();
        Object[][] cases = {
            // description, packet hex (header prefix), length, expected
            {"empty", "", 0, SrtpError.TOO_SHORT},
            {"11 octets", "8060000100000000000000", 11, SrtpError.TOO_SHORT},
            {"version 0", "00600001000000005501a0b2", 12 + tag, SrtpError.MALFORMED},
            {"version 1", "40600001000000005501a0b2", 12 + tag, SrtpError.MALFORMED},
            {"version 3", "c0600001000000005501a0b2", 12 + tag, SrtpError.MALFORMED},
            {"header but no tag", "80600001000000005501a0b2", 12 + tag - 1, SrtpError.TOO_SHORT},
            {"15 CSRCs declared, 20 octets", "8f600001000000005501a0b2", 20, SrtpError.TOO_SHORT},
            {"extension bit, no extension header", "90600001000000005501a0b2", 14, SrtpError.TOO_SHORT},
            {"extension length 0xffff", "90600001000000005501a0b2bedeffff", 16 + tag, SrtpError.TOO_SHORT},
            {"header only, bogus tag", "80600001000000005501a0b2", 12 + tag, SrtpError.AUTH_FAILED},
        };
        for (Object[] c : cases) {
            byte[] header = Hex.bytes((String) c[1]);
            byte[] buf = Arrays.copyOf(header, Math.max(header.length, 200));
            assertThat(receiver.unprotectRtp(buf, 0, (int) c[2])).as((String) c[0]).isEqualTo((int) c[3]);
        }
        assertThat(receiver.ssrcCount()).isZero();
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void everyTruncationOfAProtectedPacketIsRejected(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        byte[] rtp = Packets.rtp(1, SSRC, 160);
        int rtpLength = sender.protectRtp(rtp, 0, 172);
        byte[] rtcp = Packets.rtcp(SSRC, 40);
        int rtcpLength = sender.protectRtcp(rtcp, 0, 48);
        SrtpContext receiver = context(profile);
        for (int len = 0; len < rtpLength; len++) {
            assertThat(receiver.unprotectRtp(rtp.clone(), 0, len)).as("rtp %d", len).isNegative();
        }
        for (int len = 0; len < rtcpLength; len++) {
            assertThat(receiver.unprotectRtcp(rtcp.clone(), 0, len)).as("rtcp %d", len).isNegative();
        }
        assertThat(receiver.ssrcCount()).isZero();
        assertThat(receiver.unprotectRtp(rtp, 0, rtpLength)).isEqualTo(172);
        assertThat(receiver.unprotectRtcp(rtcp, 0, rtcpLength)).isEqualTo(48);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectBadInputTable(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        assertThat(sender.protectRtp(new byte[40], 0, 11)).isEqualTo(SrtpError.TOO_SHORT);
        assertThat(sender.protectRtp(new byte[40], 0, 12)).isEqualTo(SrtpError.MALFORMED);
        byte[] exact = Arrays.copyOf(Packets.rtp(1, SSRC, 20), 32 + profile.rtpOverhead() - 1);
        assertThat(sender.protectRtp(exact, 0, 32)).isEqualTo(SrtpError.BUFFER_TOO_SMALL);
        assertThat(sender.protectRtcp(new byte[40], 0, 7)).isEqualTo(SrtpError.TOO_SHORT);
        assertThat(sender.protectRtcp(new byte[40], 0, 8)).isEqualTo(SrtpError.MALFORMED);
        byte[] rtcpExact = Arrays.copyOf(Packets.rtcp(SSRC, 0), 8 + profile.rtcpOverhead() - 1);
        assertThat(sender.protectRtcp(rtcpExact, 0, 8)).isEqualTo(SrtpError.BUFFER_TOO_SMALL);
        assertThat(sender.ssrcCount()).isZero();
        assertThatThrownBy(() -> sender.protectRtp(new byte[10], 5, 10)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void srtcpIndexIncrementsPerSsrcWithTheEFlagSet(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        for (int i = 0; i < 3; i++) {
            for (int ssrc : new int[] {SSRC, 0x0badcafe}) {
                byte[] buf = Packets.rtcp(ssrc, 24);
                byte[] plain = Arrays.copyOf(buf, 32);
                int len = sender.protectRtcp(buf, 0, 32);
                assertThat(len).isEqualTo(32 + profile.rtcpOverhead());
                int wordOffset = profile == SrtpProfile.SRTP_AEAD_AES_128_GCM ? len - 4 : 32;
                assertThat(Bytes.i32(buf, wordOffset)).isEqualTo(0x80000000 | i);
                assertThat(Arrays.copyOfRange(buf, 8, 32)).isNotEqualTo(Arrays.copyOfRange(plain, 8, 32));
                assertThat(receiver.unprotectRtcp(buf, 0, len)).isEqualTo(32);
                assertThat(Arrays.copyOf(buf, 32)).isEqualTo(plain);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void srtcpReplayAndWindow(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        int count = SrtpContext.RTCP_REPLAY_WINDOW + 1;
        byte[][] packets = new byte[count][];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            packets[i] = Packets.rtcp(SSRC, 16);
            lengths[i] = sender.protectRtcp(packets[i], 0, 24);
        }
        byte[] replay = packets[count - 1].clone();
        assertThat(receiver.unprotectRtcp(packets[count - 1], 0, lengths[count - 1])).isEqualTo(24);
        assertThat(receiver.unprotectRtcp(replay, 0, lengths[count - 1])).isEqualTo(SrtpError.REPLAYED);
        assertThat(receiver.unprotectRtcp(packets[1], 0, lengths[1])).isEqualTo(24);
        assertThat(receiver.unprotectRtcp(packets[0], 0, lengths[0])).isEqualTo(SrtpError.TOO_OLD);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void clearingTheEFlagOrChangingTheIndexFailsAuthentication(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        byte[] buf = Packets.rtcp(SSRC, 16);
        int len = sender.protectRtcp(buf, 0, 24);
        int wordOffset = profile == SrtpProfile.SRTP_AEAD_AES_128_GCM ? len - 4 : 24;
        byte[] noEncryption = buf.clone();
        noEncryption[wordOffset] &= 0x7F;
        assertThat(context(profile).unprotectRtcp(noEncryption, 0, len)).isEqualTo(SrtpError.AUTH_FAILED);
        byte[] otherIndex = buf.clone();
        otherIndex[wordOffset + 3] ^= 1;
        assertThat(context(profile).unprotectRtcp(otherIndex, 0, len)).isEqualTo(SrtpError.AUTH_FAILED);
        byte[] badVersion = buf.clone();
        badVersion[0] = 0x40;
        assertThat(context(profile).unprotectRtcp(badVersion, 0, len)).isEqualTo(SrtpError.MALFORMED);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void ssrcTableIsBoundedAndForgedPacketsTakeNoSlot(SrtpProfile profile) {
        SrtpContext sender = context(profile);
        SrtpContext receiver = context(profile);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 3000; i++) {
            byte[] forged = Packets.rtp(i, random.nextInt(), 40);
            random.nextBytes(forged);
            forged[0] = (byte) 0x80;
            assertThat(receiver.unprotectRtp(forged, 0, 12 + 40 + profile.rtpOverhead())).isNegative();
        }
        assertThat(receiver.ssrcCount()).isZero();
        for (int ssrc = 1; ssrc <= SrtpContext.MAX_SSRCS; ssrc++) {
            byte[] buf = Packets.rtp(1, ssrc, 8);
            int len = sender.protectRtp(buf, 0, 20);
            assertThat(receiver.unprotectRtp(buf, 0, len)).isEqualTo(20);
        }
        byte[] extra = Packets.rtp(1, -5, 8);
        assertThat(sender.protectRtp(extra.clone(), 0, 20)).isEqualTo(SrtpError.SSRC_LIMIT);
        assertThat(receiver.ssrcCount()).isEqualTo(SrtpContext.MAX_SSRCS);
        assertThat(sender.removeSsrc(7)).isTrue();
        int len = sender.protectRtp(extra, 0, 20);
        assertThat(receiver.unprotectRtp(extra.clone(), 0, len)).isEqualTo(SrtpError.SSRC_LIMIT);
        assertThat(receiver.removeSsrc(7)).isTrue();
        assertThat(receiver.removeSsrc(7)).isFalse();
        assertThat(receiver.unprotectRtp(extra, 0, len)).isEqualTo(20);
        assertThat(receiver.rolloverCounter(-5)).isZero();
        assertThat(receiver.rolloverCounter(7)).isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void contextsWithDifferentKeysDoNotInteroperate(SrtpProfile profile) {
        byte[] key = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        SrtpContext other = new SrtpContext(profile, key, salt);
        byte[] buf = Packets.rtp(1, SSRC, 160);
        int len = context(profile).protectRtp(buf, 0, 172);
        assertThat(other.unprotectRtp(buf, 0, len)).isEqualTo(SrtpError.AUTH_FAILED);
        assertThatThrownBy(() -> new SrtpContext(profile, new byte[5], salt)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SrtpContext(profile, key, new byte[5])).isInstanceOf(IllegalArgumentException.class);
    }
}
