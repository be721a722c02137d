package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 2198 payloads as Chrome sends them around Opus: read, payload types rewritten, reduced to the primary. */
class RedPayloadTest {

    /** PT 63 RED, a 3-byte redundant Opus block 960 samples old (PT 111), then a 4-byte primary (PT 111). */
    static byte[] packet() {
        byte[] p = new byte[12 + 5 + 3 + 4 + 4];
        RtpPacket.writeHeader(p, 0, false, 63, 7, 48_000, 0x1234);
        byte[] payload = {
            (byte) (0x80 | 111), (byte) (960 >> 6), (byte) ((960 & 0x3F) << 2), 3, // redundant: ts offset 960, length 3
            111, // primary
            1, 2, 3, // redundant data
            9, 8, 7, 6, // primary data
        };
        System.arraycopy(payload, 0, p, 12, payload.length);
        p[0] |= 0x20; // 4 bytes of padding
        p[p.length - 1] = 4;
        return p;
    }

    @Test
    void readsTheBlocksOfAChromeRedPacket() {
        byte[] p = packet();
        RtpPacket rtp = new RtpPacket();
        assertThat(rtp.wrap(p, 0, p.length)).isTrue();
        RedPayload red = new RedPayload();
        assertThat(red.wrap(p, rtp.payloadOffset(), rtp.payloadLength())).isTrue();
        assertThat(red.blockCount()).isEqualTo(2);
        assertThat(red.payloadType(0)).isEqualTo(111);
        assertThat(red.timestampOffset(0)).isEqualTo(960);
        assertThat(Arrays.copyOfRange(p, red.dataOffset(0), red.dataOffset(0) + red.dataLength(0))).containsExactly(1, 2, 3);
        assertThat(red.payloadType(1)).isEqualTo(111);
        assertThat(red.timestampOffset(1)).isZero();
        assertThat(Arrays.copyOfRange(p, red.dataOffset(1), red.dataOffset(1) + red.dataLength(1))).containsExactly(9, 8, 7, 6);
    }

    @Test
    void setsEveryBlocksPayloadTypeKeepingTheFollowBits() {
        byte[] p = packet();
        RedPayload red = new RedPayload();
        assertThat(red.wrap(p, 12, 12)).isTrue();
        red.setPayloadTypes(100);
        assertThat(p[12] & 0xFF).isEqualTo(0x80 | 100);
        assertThat(p[16] & 0xFF).isEqualTo(100);
        assertThat(red.wrap(p, 12, 12)).isTrue();
        assertThat(red.timestampOffset(0)).isEqualTo(960);
        assertThat(red.dataLength(0)).isEqualTo(3);
    }

    @Test
    void reducesAPacketToItsPrimaryOpusPayload() {
        byte[] p = packet();
        RtpPacket rtp = new RtpPacket();
        rtp.wrap(p, 0, p.length);
        int n = new RedPayload().toPrimary(rtp);
        assertThat(n).isEqualTo(12 + 4);
        assertThat(rtp.payloadType()).isEqualTo(111);
        assertThat(rtp.hasPadding()).isFalse();
        assertThat(rtp.sequenceNumber()).isEqualTo(7);
        assertThat(Arrays.copyOfRange(p, rtp.payloadOffset(), n)).containsExactly(9, 8, 7, 6);
    }

    @Test
    void refusesHeadersOrLengthsThatDoNotFit() {
        RedPayload red = new RedPayload();
        assertThat(red.wrap(new byte[0], 0, 0)).as("empty").isFalse();
        assertThat(red.wrap(new byte[] {(byte) 0x80 | 111, 0, 0}, 0, 3)).as("a cut redundant header").isFalse();
        assertThat(red.wrap(new byte[] {(byte) 0x80 | 111, 0, 0, 5, 111, 1, 2}, 0, 7)).as("a block longer than the data").isFalse();
        assertThat(red.wrap(new byte[] {(byte) 0x80 | 111, 0, 0, 0}, 0, 4)).as("no primary header").isFalse();
        byte[] many = new byte[4 * RedPayload.MAX_BLOCKS + 1];
        for (int i = 0; i < RedPayload.MAX_BLOCKS; i++) {
            many[4 * i] = (byte) 0x80;
        }
        assertThat(red.wrap(many, 0, many.length)).as("more than %d blocks", RedPayload.MAX_BLOCKS).isFalse();
        assertThat(red.wrap(new byte[] {111}, 0, 1)).as("a primary alone, empty").isTrue();
        assertThat(red.dataLength(0)).isZero();
        byte[] p = packet();
        RtpPacket rtp = new RtpPacket();
        rtp.wrap(p, 0, 13); // a one-byte payload that claims a redundant block
        p[0] &= ~0x20;
        rtp.wrap(p, 0, 13);
        assertThat(red.toPrimary(rtp)).isEqualTo(-1);
        assertThat(rtp.payloadType()).as("unchanged").isEqualTo(63);
    }
}
