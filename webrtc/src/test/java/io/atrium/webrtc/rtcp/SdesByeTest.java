package io.atrium.webrtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SdesByeTest {
    private final SourceDescription sdes = new SourceDescription();
    private final Bye bye = new Bye();

    @Test
    void sdesRoundTripWithSeveralChunksAndItems() {
        byte[] buf = new byte[200];
        List<SourceDescription.Chunk> chunks = List.of(
                new SourceDescription.Chunk(0x11, List.of(new SourceDescription.Item(SourceDescription.CNAME, "a"))),
                new SourceDescription.Chunk(0x22, List.of(
                        new SourceDescription.Item(SourceDescription.CNAME, "{8f3c-é}"),
                        new SourceDescription.Item(6, "Atrium"))),
                new SourceDescription.Chunk(0x33, List.of()));
        int n = SourceDescription.write(buf, 0, buf.length, chunks);
        // chunk 1: 4 + 2 + 1 + 1 -> 8; chunk 2: 4 + 2 + 9 + 2 + 6 + 1 = 24; chunk 3: 4 + 1 -> 8
        assertThat(n).isEqualTo(4 + 8 + 24 + 8);
        assertThat(new RtcpCompound().wrap(buf, 0, n)).isTrue();
        assertThat(sdes.wrap(buf, 0, n)).isTrue();
        assertThat(sdes.chunkCount()).isEqualTo(3);

        assertThat(sdes.nextChunk()).isTrue();
        assertThat(sdes.chunkSsrc()).isEqualTo(0x11);
        assertThat(sdes.nextChunk()).isTrue();
        assertThat(sdes.chunkSsrc()).isEqualTo(0x22);
        assertThat(sdes.nextItem()).isTrue();
        assertThat(sdes.itemType()).isEqualTo(SourceDescription.CNAME);
        assertThat(sdes.itemText()).isEqualTo("{8f3c-é}");
        assertThat(sdes.nextItem()).isTrue();
        assertThat(sdes.itemType()).isEqualTo(6);
        assertThat(sdes.itemText()).isEqualTo("Atrium");
        assertThat(sdes.nextItem()).isFalse();
        assertThat(sdes.nextChunk()).isTrue();
        assertThat(sdes.chunkSsrc()).isEqualTo(0x33);
        assertThat(sdes.nextItem()).isFalse();
        assertThat(sdes.nextChunk()).isFalse();

        assertThat(sdes.cname(0x11)).isEqualTo("a");
        assertThat(sdes.cname(0x22)).isEqualTo("{8f3c-é}");
        assertThat(sdes.cname(0x33)).isNull();
        assertThat(sdes.cname(0x44)).isNull();
    }

    @Test
    void writesSingleCnameLikeHandAssembledBytes() {
        byte[] buf = new byte[20];
        assertThat(SourceDescription.writeCname(buf, 0, 20, 0x12345678, "abcdefgh")).isEqualTo(20);
        assertThat(buf).isEqualTo(Hex.bytes("81 ca 00 04  12 34 56 78  01 08 61 62  63 64 65 66  67 68 00 00"));
        assertThat(SourceDescription.writeCname(buf, 0, 19, 0x12345678, "abcdefgh")).isEqualTo(-1);
        assertThatThrownBy(() -> SourceDescription.writeCname(new byte[400], 0, 400, 1, "x".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> malformedSdes() {
        return Stream.of(
                Arguments.of("no null terminator", "81 ca 00 02 00 00 00 01 01 02 61 62"),
                Arguments.of("item length past end", "81 ca 00 02 00 00 00 01 01 09 61 00"),
                Arguments.of("item header cut", "81 ca 00 02 00 00 00 01 61 62 63 01"),
                Arguments.of("SC larger than chunks", "82 ca 00 02 00 00 00 01 01 01 61 00"),
                Arguments.of("chunk without SSRC", "81 ca 00 00"),
                Arguments.of("not SDES", "81 cb 00 01 00 00 00 01"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedSdes")
    void rejectsMalformedSdes(String name, String hex) {
        byte[] buf = Hex.bytes(hex);
        assertThat(sdes.wrap(buf, 0, buf.length)).isFalse();
        assertThat(sdes.nextChunk()).isFalse();
    }

    @Test
    void byeRoundTrip() {
        byte[] buf = new byte[64];
        int n = Bye.write(buf, 0, 64, new int[] {1, -1}, "gone");
        assertThat(n).isEqualTo(4 + 8 + 8);
        assertThat(bye.wrap(buf, 0, n)).isTrue();
        assertThat(bye.sourceCount()).isEqualTo(2);
        assertThat(bye.ssrc(0)).isEqualTo(1);
        assertThat(bye.ssrc(1)).isEqualTo(-1);
        assertThat(bye.reason()).isEqualTo("gone");
        assertThat(bye.reasonLength()).isEqualTo(4);

        n = Bye.write(buf, 0, 64, new int[] {7}, null);
        assertThat(n).isEqualTo(8);
        assertThat(bye.wrap(buf, 0, n)).isTrue();
        assertThat(bye.reason()).isNull();
        assertThat(bye.reasonOffset()).isEqualTo(-1);

        assertThat(Bye.write(buf, 0, 64, new int[0], "")).isEqualTo(8);
        assertThat(bye.wrap(buf, 0, 8)).isTrue();
        assertThat(bye.sourceCount()).isZero();
        assertThat(bye.reason()).isEmpty();
        assertThat(Bye.write(buf, 0, 7, new int[] {7}, null)).isEqualTo(-1);
    }

    static Stream<Arguments> malformedBye() {
        return Stream.of(
                Arguments.of("SC past length", "82 cb 00 01 00 00 00 01"),
                Arguments.of("reason past length", "81 cb 00 02 00 00 00 01 05 61 62 63"),
                Arguments.of("not BYE", "81 ca 00 01 00 00 00 01"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBye")
    void rejectsMalformedBye(String name, String hex) {
        byte[] buf = Hex.bytes(hex);
        assertThat(bye.wrap(buf, 0, buf.length)).isFalse();
    }
}
