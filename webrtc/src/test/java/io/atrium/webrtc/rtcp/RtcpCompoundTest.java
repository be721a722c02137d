package io.atrium.webrtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtcpCompoundTest {
    /** SR (RC=0) followed by SDES with CNAME "abcdefgh". */
    static final String SR_SDES = """
            80 c8 00 06  12 34 56 78  e3 00 00 00  80 00 00 00  00 00 10 00  00 00 00 0a  00 00 03 e8
            81 ca 00 04  12 34 56 78  01 08 61 62  63 64 65 66  67 68 00 00
            """;

    private final RtcpCompound compound = new RtcpCompound();

    @Test
    void iteratesPacketsOfACompound() {
        byte[] raw = Hex.bytes(SR_SDES);
        byte[] buf = new byte[raw.length + 4];
        System.arraycopy(raw, 0, buf, 2, raw.length);
        assertThat(compound.wrap(buf, 2, raw.length)).isTrue();
        assertThat(compound.startsWithReport()).isTrue();

        assertThat(compound.next()).isTrue();
        assertThat(compound.packetType()).isEqualTo(RtcpHeader.SR);
        assertThat(compound.count()).isZero();
        assertThat(compound.packetOffset()).isEqualTo(2);
        assertThat(compound.packetLength()).isEqualTo(28);
        SenderReport sr = new SenderReport();
        assertThat(sr.wrap(buf, compound.packetOffset(), compound.packetLength())).isTrue();
        assertThat(sr.senderSsrc()).isEqualTo(0x12345678);

        assertThat(compound.next()).isTrue();
        assertThat(compound.packetType()).isEqualTo(RtcpHeader.SDES);
        assertThat(compound.count()).isEqualTo(1);
        assertThat(compound.packetOffset()).isEqualTo(30);
        assertThat(compound.packetLength()).isEqualTo(20);
        SourceDescription sdes = new SourceDescription();
        assertThat(sdes.wrap(buf, compound.packetOffset(), compound.packetLength())).isTrue();
        assertThat(sdes.cname(0x12345678)).isEqualTo("abcdefgh");

        assertThat(compound.next()).isFalse();
        compound.rewind();
        assertThat(compound.next()).isTrue();
        assertThat(compound.packetType()).isEqualTo(RtcpHeader.SR);
    }

    @Test
    void acceptsReducedSizeAndPaddedLastPacket() {
        byte[] pli = Hex.bytes("81 ce 00 02 00 00 00 01 00 00 00 02");
        assertThat(compound.wrap(pli, 0, pli.length)).isTrue();
        assertThat(compound.startsWithReport()).isFalse();
        assertThat(compound.next()).isTrue();
        assertThat(compound.packetType()).isEqualTo(RtcpHeader.PSFB);

        byte[] rrThenPaddedBye = Hex.bytes("80 c9 00 01 00 00 00 01  a1 cb 00 02 00 00 00 01 00 00 00 04");
        assertThat(compound.wrap(rrThenPaddedBye, 0, rrThenPaddedBye.length)).isTrue();
        assertThat(compound.next()).isTrue();
        assertThat(compound.next()).isTrue();
        assertThat(compound.packetLength()).isEqualTo(12);
        assertThat(compound.contentLength()).isEqualTo(8);
        Bye bye = new Bye();
        assertThat(bye.wrap(rrThenPaddedBye, compound.packetOffset(), compound.packetLength())).isTrue();
        assertThat(bye.reason()).isNull();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("zero-length compound", ""),
                Arguments.of("shorter than a header", "80 c9 00"),
                Arguments.of("wrong version in first packet", "40 c9 00 01 00 00 00 01"),
                Arguments.of("wrong version in second packet", "80 c9 00 01 00 00 00 01 c1 cb 00 01 00 00 00 01"),
                Arguments.of("length words past the buffer", "80 c9 00 02 00 00 00 01"),
                Arguments.of("length 0xffff", "80 c9 ff ff 00 00 00 01"),
                Arguments.of("trailing bytes after the last packet", "80 c9 00 01 00 00 00 01 80 c9"),
                Arguments.of("padding in a packet that is not the last",
                        "a0 c9 00 01 00 00 00 04 80 c9 00 01 00 00 00 01"),
                Arguments.of("padding count zero", "a0 c9 00 01 00 00 00 00"),
                Arguments.of("padding count reaching into the header", "a0 c9 00 01 00 00 00 05"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedCompounds(String name, String hex) {
        byte[] buf = Hex.bytes(hex);
        assertThat(compound.wrap(buf, 0, buf.length)).isFalse();
        assertThat(compound.next()).isFalse();
    }

    @Test
    void rejectsRangesOutsideTheArray() {
        byte[] buf = Hex.bytes("80 c9 00 01 00 00 00 01");
        assertThat(compound.wrap(null, 0, 8)).isFalse();
        assertThat(compound.wrap(buf, 1, 8)).isFalse();
        assertThat(compound.wrap(buf, 0, 9)).isFalse();
    }
}
