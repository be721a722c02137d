package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtpPacketTest {
    /** Chrome-shaped VP8 key frame packet: abs-send-time (id 2), transport-cc (id 3), mid (id 4). */
    static final String CHROME_VP8 = """
            90 e0 12 34  00 01 e2 40  ca fe ba be
            be de 00 03  22 12 34 56  31 00 2a 40  30 00 00 00
            90 80 92 34  10 02 00 9d  01 2a 80 02  e0 01
            """;

    private final RtpPacket packet = new RtpPacket();

    record Valid(String name, String hex, int cc, boolean marker, int pt, int seq, long ts, long ssrc,
                 int extProfile, int extLen, int headerLen, int payloadLen, int paddingLen) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Valid> valid() {
        return Stream.of(
                new Valid("minimal header, empty payload", "80 00 00 01 00 00 00 02 00 00 00 03",
                        0, false, 0, 1, 2, 3, -1, 0, 12, 0, 0),
                new Valid("opus marker", "80 ef ff ff ff ff ff ff 12 34 56 78 fc ff fe",
                        0, true, 111, 65535, 0xFFFFFFFFL, 0x12345678L, -1, 0, 12, 3, 0),
                new Valid("chrome vp8 with one-byte extensions", CHROME_VP8,
                        0, true, 96, 0x1234, 123456, 0xCAFEBABEL, 0xBEDE, 12, 28, 14, 0),
                new Valid("two csrcs", "82 60 00 05 00 00 00 06 00 00 00 07 00 00 00 0a 00 00 00 0b aa",
                        2, false, 96, 5, 6, 7, -1, 0, 20, 1, 0),
                new Valid("padding 3", "a0 60 00 05 00 00 00 06 00 00 00 07 aa bb 00 00 03",
                        0, false, 96, 5, 6, 7, -1, 0, 12, 2, 3),
                new Valid("padding-only probe", "a0 60 00 05 00 00 00 06 00 00 00 07 00 00 00 04",
                        0, false, 96, 5, 6, 7, -1, 0, 12, 0, 4),
                new Valid("empty extension block", "90 60 00 05 00 00 00 06 00 00 00 07 be de 00 00 aa",
                        0, false, 96, 5, 6, 7, 0xBEDE, 0, 16, 1, 0));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void parsesValidPackets(Valid v) {
        byte[] raw = Hex.bytes(v.hex());
        byte[] buf = new byte[raw.length + 7];
        System.arraycopy(raw, 0, buf, 5, raw.length);

        assertThat(packet.wrap(buf, 5, raw.length)).isTrue();
        assertThat(packet.csrcCount()).isEqualTo(v.cc());
        assertThat(packet.marker()).isEqualTo(v.marker());
        assertThat(packet.payloadType()).isEqualTo(v.pt());
        assertThat(packet.sequenceNumber()).isEqualTo(v.seq());
        assertThat(Integer.toUnsignedLong(packet.timestamp())).isEqualTo(v.ts());
        assertThat(Integer.toUnsignedLong(packet.ssrc())).isEqualTo(v.ssrc());
        assertThat(packet.extensionProfile()).isEqualTo(v.extProfile());
        assertThat(packet.extensionDataLength()).isEqualTo(v.extLen());
        assertThat(packet.headerLength()).isEqualTo(v.headerLen());
        assertThat(packet.payloadOffset()).isEqualTo(5 + v.headerLen());
        assertThat(packet.payloadLength()).isEqualTo(v.payloadLen());
        assertThat(packet.paddingLength()).isEqualTo(v.paddingLen());
        assertThat(packet.hasPadding()).isEqualTo(v.paddingLen() > 0);
    }

    @Test
    void readsCsrcs() {
        byte[] buf = Hex.bytes("82 60 00 05 00 00 00 06 00 00 00 07 00 00 00 0a ff ff ff fe");
        assertThat(packet.wrap(buf, 0, buf.length)).isTrue();
        assertThat(packet.csrc(0)).isEqualTo(10);
        assertThat(packet.csrc(1)).isEqualTo(0xFFFFFFFE);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty", ""),
                Arguments.of("truncated fixed header", "80 60 00 05 00 00 00 06 00 00 00"),
                Arguments.of("version 0", "00 60 00 05 00 00 00 06 00 00 00 07"),
                Arguments.of("version 1", "40 60 00 05 00 00 00 06 00 00 00 07"),
                Arguments.of("version 3", "c0 60 00 05 00 00 00 06 00 00 00 07"),
                Arguments.of("csrc count past end", "83 60 00 05 00 00 00 06 00 00 00 07 00 00 00 01 00 00 00 02"),
                Arguments.of("csrc count 15, no csrcs", "8f 60 00 05 00 00 00 06 00 00 00 07"),
                Arguments.of("extension header truncated", "90 60 00 05 00 00 00 06 00 00 00 07 be de 00"),
                Arguments.of("extension length past end", "90 60 00 05 00 00 00 06 00 00 00 07 be de 00 02 22 12 34 56"),
                Arguments.of("extension length 0xffff", "90 60 00 05 00 00 00 06 00 00 00 07 be de ff ff 00 00 00 00"),
                Arguments.of("padding larger than payload", "a0 60 00 05 00 00 00 06 00 00 00 07 aa bb 05"),
                Arguments.of("padding reaching into extension",
                        "b0 60 00 05 00 00 00 06 00 00 00 07 be de 00 01 10 aa 00 00 02"),
                Arguments.of("padding count zero", "a0 60 00 05 00 00 00 06 00 00 00 07 aa 00"),
                Arguments.of("padding bit without payload", "a0 60 00 05 00 00 00 06 00 00 00 07"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedPackets(String name, String hex) {
        byte[] buf = Hex.bytes(hex);
        assertThat(packet.wrap(buf, 0, buf.length)).isFalse();
    }

    @Test
    void rejectsRangesOutsideTheArray() {
        byte[] buf = Hex.bytes("80 00 00 01 00 00 00 02 00 00 00 03");
        assertThat(packet.wrap(null, 0, 12)).isFalse();
        assertThat(packet.wrap(buf, -1, 12)).isFalse();
        assertThat(packet.wrap(buf, 1, 12)).isFalse();
        assertThat(packet.wrap(buf, 0, -1)).isFalse();
        assertThat(packet.wrap(buf, 0, 12)).isTrue();
    }

    @Test
    void inPlaceRewriteChangesOnlyTheTargetedFields() {
        byte[] buf = Hex.bytes(CHROME_VP8);
        byte[] before = buf.clone();
        assertThat(packet.wrap(buf, 0, buf.length)).isTrue();

        packet.setSsrc(0x01020304);
        packet.setSequenceNumber(0x10005);
        packet.setTimestamp(0xF0E0D0C0);
        packet.setPayloadType(0xFF);

        assertThat(packet.wrap(buf, 0, buf.length)).isTrue();
        assertThat(packet.ssrc()).isEqualTo(0x01020304);
        assertThat(packet.sequenceNumber()).isEqualTo(5);
        assertThat(packet.timestamp()).isEqualTo(0xF0E0D0C0);
        assertThat(packet.payloadType()).isEqualTo(127);
        assertThat(packet.marker()).isTrue();
        assertThat(buf[0]).isEqualTo(before[0]);
        assertThat(Arrays.copyOfRange(buf, 12, buf.length)).isEqualTo(Arrays.copyOfRange(before, 12, before.length));

        packet.setMarker(false);
        assertThat(packet.marker()).isFalse();
        assertThat(packet.payloadType()).isEqualTo(127);
    }

    @Test
    void writeHeaderProducesAParsableHeader() {
        byte[] buf = new byte[20];
        assertThat(RtpPacket.writeHeader(buf, 4, true, 100, 65535, -1, 42)).isEqualTo(12);
        assertThat(packet.wrap(buf, 4, 16)).isTrue();
        assertThat(packet.marker()).isTrue();
        assertThat(packet.payloadType()).isEqualTo(100);
        assertThat(packet.sequenceNumber()).isEqualTo(65535);
        assertThat(packet.timestamp()).isEqualTo(-1);
        assertThat(packet.ssrc()).isEqualTo(42);
        assertThat(packet.payloadLength()).isEqualTo(4);
        assertThat(RtpPacket.writeHeader(buf, 9, false, 0, 0, 0, 0)).isEqualTo(-1);
    }
}
