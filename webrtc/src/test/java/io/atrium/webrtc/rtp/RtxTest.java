package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RtxTest {
    private final RtpPacket packet = new RtpPacket();

    @Test
    void wrapThenUnwrapRestoresTheOriginalBytes() {
        byte[] original = Hex.bytes(RtpPacketTest.CHROME_VP8);
        byte[] buf = Arrays.copyOf(original, original.length + 10);
        assertThat(packet.wrap(buf, 0, original.length)).isTrue();

        int rtxLength = Rtx.wrapInPlace(packet, buf.length, 97, 0x11111111, 700);
        assertThat(rtxLength).isEqualTo(original.length + 2);
        assertThat(packet.length()).isEqualTo(rtxLength);
        assertThat(packet.payloadType()).isEqualTo(97);
        assertThat(packet.ssrc()).isEqualTo(0x11111111);
        assertThat(packet.sequenceNumber()).isEqualTo(700);
        assertThat(packet.marker()).isTrue();
        assertThat(Rtx.originalSequenceNumber(packet)).isEqualTo(0x1234);
        assertThat(packet.payloadLength()).isEqualTo(16);

        int length = Rtx.unwrapInPlace(packet, 96, 0xCAFEBABE);
        assertThat(length).isEqualTo(original.length);
        assertThat(Arrays.copyOf(buf, length)).isEqualTo(original);
    }

    @Test
    void keepsPaddingAtTheEnd() {
        byte[] rtx = Hex.bytes("a0 61 00 09 00 00 00 06 00 00 00 08  00 05 aa bb  00 02");
        assertThat(packet.wrap(rtx, 0, rtx.length)).isTrue();
        assertThat(Rtx.unwrapInPlace(packet, 96, 7)).isEqualTo(16);
        assertThat(Arrays.copyOf(rtx, 16)).isEqualTo(Hex.bytes("a0 60 00 05 00 00 00 06 00 00 00 07  aa bb 00 02"));
        assertThat(packet.payloadLength()).isEqualTo(2);
        assertThat(packet.paddingLength()).isEqualTo(2);
    }

    @Test
    void refusesPacketsWithoutOsnOrRoom() {
        byte[] buf = Hex.bytes("80 61 00 09 00 00 00 06 00 00 00 08 01");
        byte[] copy = buf.clone();
        assertThat(packet.wrap(buf, 0, buf.length)).isTrue();
        assertThat(Rtx.originalSequenceNumber(packet)).isEqualTo(-1);
        assertThat(Rtx.unwrapInPlace(packet, 96, 7)).isEqualTo(-1);
        assertThat(Rtx.wrapInPlace(packet, buf.length, 97, 1, 1)).isEqualTo(-1);
        assertThat(buf).isEqualTo(copy);
    }

    @Test
    void writeRtxCopiesWithoutTouchingTheOriginal() {
        byte[] original = Hex.bytes(RtpPacketTest.CHROME_VP8);
        byte[] copy = original.clone();
        assertThat(packet.wrap(original, 0, original.length)).isTrue();
        byte[] dst = new byte[100];
        int n = Rtx.writeRtx(packet, dst, 3, 97, 97, 0x22, 9);
        assertThat(n).isEqualTo(original.length + 2);
        assertThat(original).isEqualTo(copy);

        RtpPacket rtx = new RtpPacket();
        assertThat(rtx.wrap(dst, 3, n)).isTrue();
        assertThat(rtx.payloadType()).isEqualTo(97);
        assertThat(rtx.ssrc()).isEqualTo(0x22);
        assertThat(rtx.sequenceNumber()).isEqualTo(9);
        assertThat(Rtx.originalSequenceNumber(rtx)).isEqualTo(0x1234);
        assertThat(Rtx.writeRtx(packet, dst, 3, n - 1, 97, 0x22, 9)).isEqualTo(-1);
    }
}
