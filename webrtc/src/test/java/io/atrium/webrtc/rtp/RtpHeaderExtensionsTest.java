package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtpHeaderExtensionsTest {
    private final RtpPacket packet = new RtpPacket();
    private final RtpHeaderExtensions ext = new RtpHeaderExtensions();

    private byte[] wrap(String hex) {
        byte[] buf = Hex.bytes(hex);
        assertThat(packet.wrap(buf, 0, buf.length)).isTrue();
        return buf;
    }

    @Test
    void findsAndDecodesChromeOneByteExtensions() {
        byte[] buf = wrap(RtpPacketTest.CHROME_VP8);
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.isTwoByte()).isFalse();

        assertThat(ext.find(2)).isTrue();
        assertThat(AbsSendTimeExtension.read(buf, ext.dataOffset(), ext.dataLength())).isEqualTo(0x123456);
        assertThat(ext.find(3)).isTrue();
        assertThat(TransportSequenceExtension.read(buf, ext.dataOffset(), ext.dataLength())).isEqualTo(42);
        assertThat(ext.find(4)).isTrue();
        assertThat(SdesValueExtension.equalsAscii(buf, ext.dataOffset(), ext.dataLength(), "0")).isTrue();
        assertThat(SdesValueExtension.read(buf, ext.dataOffset(), ext.dataLength())).isEqualTo("0");
        assertThat(ext.find(5)).isFalse();
        assertThat(ext.malformed()).isFalse();
    }

    @Test
    void iteratesElementsInOrderSkippingPadding() {
        wrap("90 60 00 01 00 00 00 00 00 00 00 01  be de 00 02  00 10 aa 00  21 bb cc 00  ff");
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.next()).isTrue();
        assertThat(ext.id()).isEqualTo(1);
        assertThat(ext.dataLength()).isEqualTo(1);
        assertThat(ext.next()).isTrue();
        assertThat(ext.id()).isEqualTo(2);
        assertThat(ext.dataLength()).isEqualTo(2);
        assertThat(ext.next()).isFalse();
        assertThat(ext.malformed()).isFalse();
    }

    @Test
    void idFifteenStopsOneByteParsing() {
        wrap("90 60 00 01 00 00 00 00 00 00 00 01  be de 00 02  10 aa f0 00  20 bb 00 00");
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.find(1)).isTrue();
        assertThat(ext.find(2)).isFalse();
        assertThat(ext.malformed()).isFalse();
    }

    @Test
    void readsTwoByteForm() {
        // profile 0x1000 with appbits 0, id 1 len 0, id 16 len 3 "abc", padding, id 255 len 1
        byte[] buf = wrap("90 60 00 01 00 00 00 00 00 00 00 01  10 00 00 03  01 00 10 03 61 62 63 00 ff 01 7f 00");
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.isTwoByte()).isTrue();
        assertThat(ext.find(1)).isTrue();
        assertThat(ext.dataLength()).isZero();
        assertThat(ext.find(16)).isTrue();
        assertThat(SdesValueExtension.read(buf, ext.dataOffset(), ext.dataLength())).isEqualTo("abc");
        assertThat(ext.find(255)).isTrue();
        assertThat(AudioLevelExtension.level(buf, ext.dataOffset(), ext.dataLength())).isEqualTo(127);
        assertThat(AudioLevelExtension.voiceActivity(buf, ext.dataOffset(), ext.dataLength())).isFalse();
    }

    @Test
    void acceptsTwoByteProfileWithAppBits() {
        wrap("90 60 00 01 00 00 00 00 00 00 00 01  10 0f 00 01  07 01 55 00");
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.find(7)).isTrue();
    }

    static Stream<Arguments> notParsable() {
        return Stream.of(
                Arguments.of("no extension", "80 60 00 01 00 00 00 00 00 00 00 01"),
                Arguments.of("unknown profile", "90 60 00 01 00 00 00 00 00 00 00 01  ab cd 00 01  10 aa 00 00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notParsable")
    void refusesPacketsWithoutRfc8285Block(String name, String hex) {
        wrap(hex);
        assertThat(ext.wrap(packet)).isFalse();
        assertThat(ext.next()).isFalse();
        assertThat(ext.find(1)).isFalse();
    }

    static Stream<Arguments> malformedElements() {
        return Stream.of(
                Arguments.of("one-byte element past block", "90 60 00 01 00 00 00 00 00 00 00 01  be de 00 01  10 aa 2f bb"),
                Arguments.of("two-byte element past block", "90 60 00 01 00 00 00 00 00 00 00 01  10 00 00 01  01 01 aa 02"),
                Arguments.of("two-byte header cut", "90 60 00 01 00 00 00 00 00 00 00 01  10 00 00 01  00 00 00 05"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedElements")
    void flagsElementsRunningPastTheBlock(String name, String hex) {
        wrap(hex);
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.find(2)).isFalse();
        assertThat(ext.malformed()).isTrue();
        assertThat(ext.find(5)).isFalse();
    }

    @Test
    void removeOverwritesOnlyTheElementWithPadding() {
        byte[] buf = wrap(RtpPacketTest.CHROME_VP8);
        byte[] before = buf.clone();
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.find(3)).isTrue();
        assertThat(ext.remove()).isTrue();
        assertThat(ext.remove()).isFalse();

        assertThat(packet.wrap(buf, 0, buf.length)).isTrue();
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.find(3)).isFalse();
        assertThat(ext.find(2)).isTrue();
        assertThat(ext.find(4)).isTrue();
        assertThat(Arrays.copyOfRange(buf, 20, 23)).containsExactly(0, 0, 0);
        before[20] = 0;
        before[21] = 0;
        before[22] = 0;
        assertThat(buf).isEqualTo(before);
    }

    @Test
    void rewritesDataAndIdInPlace() {
        byte[] buf = wrap(RtpPacketTest.CHROME_VP8);
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.find(3)).isTrue();
        assertThat(TransportSequenceExtension.write(buf, ext.dataOffset(), 0xBEEF)).isEqualTo(2);
        assertThat(ext.setId(9)).isTrue();
        assertThat(ext.setId(15)).isFalse();
        assertThat(ext.setData(new byte[] {1, 2, 3}, 0, 3)).isFalse();

        assertThat(ext.find(3)).isFalse();
        assertThat(ext.find(9)).isTrue();
        assertThat(ext.dataLength()).isEqualTo(2);
        assertThat(TransportSequenceExtension.read(buf, ext.dataOffset(), ext.dataLength())).isEqualTo(0xBEEF);
        assertThat(ext.setData(new byte[] {0x12, 0x34}, 0, 2)).isTrue();
        assertThat(TransportSequenceExtension.read(buf, ext.dataOffset(), ext.dataLength())).isEqualTo(0x1234);
    }

    @Test
    void writerBuildsOneByteBlockThatParsesBack() {
        byte[] buf = new byte[64];
        RtpPacket.writeHeader(buf, 0, false, 96, 1, 2, 3);
        RtpHeaderExtensionWriter w = new RtpHeaderExtensionWriter();
        assertThat(w.begin(buf, 0, buf.length, false)).isTrue();
        AbsSendTimeExtension.write(buf, w.reserve(2, AbsSendTimeExtension.LENGTH), 0xABCDEF);
        AudioLevelExtension.write(buf, w.reserve(1, AudioLevelExtension.LENGTH), true, 30);
        assertThat(w.add(10, "q".getBytes(), 0, 1)).isTrue();
        int header = w.finish();
        assertThat(header).isEqualTo(12 + 4 + 8);
        buf[header] = 0x55;

        assertThat(packet.wrap(buf, 0, header + 1)).isTrue();
        assertThat(packet.extensionProfile()).isEqualTo(0xBEDE);
        assertThat(packet.payloadLength()).isEqualTo(1);
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.find(2)).isTrue();
        assertThat(AbsSendTimeExtension.read(buf, ext.dataOffset(), ext.dataLength())).isEqualTo(0xABCDEF);
        assertThat(ext.find(1)).isTrue();
        assertThat(AudioLevelExtension.voiceActivity(buf, ext.dataOffset(), ext.dataLength())).isTrue();
        assertThat(AudioLevelExtension.level(buf, ext.dataOffset(), ext.dataLength())).isEqualTo(30);
        assertThat(ext.find(10)).isTrue();
        assertThat(SdesValueExtension.equalsAscii(buf, ext.dataOffset(), ext.dataLength(), "q")).isTrue();
    }

    @Test
    void writerBuildsTwoByteBlockWithHighIdsAndEmptyElements() {
        byte[] buf = new byte[64];
        RtpPacket.writeHeader(buf, 0, false, 96, 1, 2, 3);
        RtpHeaderExtensionWriter w = new RtpHeaderExtensionWriter();
        assertThat(w.begin(buf, 0, buf.length, true)).isTrue();
        assertThat(w.reserve(200, 0)).isPositive();
        int rid = w.reserve(20, 2);
        SdesValueExtension.write(buf, rid, "hi");
        int header = w.finish();
        assertThat(header).isEqualTo(12 + 4 + 8);

        assertThat(packet.wrap(buf, 0, header)).isTrue();
        assertThat(ext.wrap(packet)).isTrue();
        assertThat(ext.isTwoByte()).isTrue();
        assertThat(ext.find(200)).isTrue();
        assertThat(ext.dataLength()).isZero();
        assertThat(ext.find(20)).isTrue();
        assertThat(SdesValueExtension.read(buf, ext.dataOffset(), ext.dataLength())).isEqualTo("hi");
    }

    @Test
    void writerRejectsOutOfRangeElementsAndOverflow() {
        byte[] buf = new byte[20];
        RtpPacket.writeHeader(buf, 0, false, 96, 1, 2, 3);
        RtpHeaderExtensionWriter w = new RtpHeaderExtensionWriter();
        assertThat(w.begin(buf, 0, buf.length, false)).isTrue();
        assertThat(w.reserve(15, 1)).isEqualTo(-1);
        assertThat(w.finish()).isEqualTo(-1);

        assertThat(w.begin(buf, 0, buf.length, false)).isTrue();
        assertThat(w.reserve(1, 17)).isEqualTo(-1);

        assertThat(w.begin(buf, 0, buf.length, false)).isTrue();
        assertThat(w.reserve(1, 4)).isEqualTo(-1); // 16 + 5 > 20
        assertThat(w.begin(buf, 0, 15, false)).isFalse();
    }

    @Test
    void absSendTimeIsSixEighteenFixedPoint() {
        assertThat(AbsSendTimeExtension.fromNanos(1_500_000_000L)).isEqualTo(0x060000);
        assertThat(AbsSendTimeExtension.fromNanos(64_000_000_000L)).isZero();
        assertThat(AbsSendTimeExtension.fromNanos(63_999_999_999L)).isEqualTo(0xFFFFFF);
        assertThat(AbsSendTimeExtension.toMicros(0x060000)).isEqualTo(1_500_000L);
        assertThat(AbsSendTimeExtension.read(new byte[4], 0, 4)).isEqualTo(-1);
    }

    @Test
    void typedHelpersRejectWrongLengths() {
        byte[] buf = new byte[4];
        assertThat(TransportSequenceExtension.read(buf, 0, 3)).isEqualTo(-1);
        assertThat(TransportSequenceExtension.write(buf, 3, 1)).isEqualTo(-1);
        assertThat(AudioLevelExtension.level(buf, 0, 0)).isEqualTo(-1);
        assertThat(SdesValueExtension.read(buf, 0, 0)).isNull();
        assertThat(SdesValueExtension.read(new byte[] {'a', 0}, 0, 2)).isNull();
        assertThat(SdesValueExtension.write(buf, 0, "toolong")).isEqualTo(-1);
        assertThat(SdesValueExtension.write(buf, 0, "a b")).isEqualTo(-1);
        assertThat(SdesValueExtension.equalsAscii(new byte[] {'l', 'o'}, 0, 2, "lo")).isTrue();
        assertThat(SdesValueExtension.equalsAscii(new byte[] {'l', 'o'}, 0, 2, "hi")).isFalse();
        assertThat(SdesValueExtension.equalsAscii(new byte[] {'l', 'o'}, 0, 2, "low")).isFalse();
    }
}
