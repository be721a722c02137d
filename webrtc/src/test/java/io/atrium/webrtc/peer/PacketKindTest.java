package io.atrium.webrtc.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketKindTest {

    // RFC 7983 section 7 first-byte ranges and RFC 5761 section 4 RTCP packet types 192..223
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "'',       OTHER",
            "00,       STUN",
            "0001,     STUN",
            "03ff,     STUN",
            "04ff,     OTHER",
            "13ff,     OTHER",
            "14fefd,   DTLS",
            "16fefd,   DTLS",
            "17fefd,   DTLS",
            "3f00,     DTLS",
            "4000,     OTHER",
            "4f00,     OTHER",
            "7f00,     OTHER",
            "80,       OTHER",
            "8060,     RTP",
            "80e0,     RTP",
            "80bf,     RTP",
            "80c0,     RTCP",
            "80c8,     RTCP",
            "81ce,     RTCP",
            "80df,     RTCP",
            "80e0,     RTP",
            "bfc9,     RTCP",
            "c0c9,     OTHER",
            "ff00,     OTHER",
    })
    void classifiesByFirstAndSecondByte(String hex, PacketKind expected) {
        byte[] datagram = HexFormat.of().parseHex(hex);
        assertThat(PacketKind.of(datagram, 0, datagram.length)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "offset {0}, length {1} -> {2}")
    @CsvSource({"1, 2, RTCP", "2, 1, OTHER", "0, 0, OTHER", "3, 1, STUN"})
    void honoursOffsetAndLength(int off, int len, PacketKind expected) {
        byte[] buf = HexFormat.of().parseHex("ff80c800");
        assertThat(PacketKind.of(buf, off, len)).isEqualTo(expected);
    }
}
