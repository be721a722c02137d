package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where the VP9 bitstream starts after the payload descriptor (RFC 9628 section 4.2); -1 when cut. */
class Vp9DescriptorLengthTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "no optional fields,                             08 aa,                              1",
        "15-bit picture id,                              88 8001 aa,                         3",
        "7-bit picture id,                               88 01 aa,                           2",
        "layer indices and TL0PICIDX (non-flexible),     a8 8001 00 05 aa,                   5",
        "flexible: layer index and three P_DIFFs,        f8 8001 00 03 03 02 aa,             7",
        "scalability structure with two sizes,           8a 8001 30 0140 00b4 0280 0168 aa, 12",
        "scalability structure with one group,           8a 8001 08 01 04 01 aa,             7",
        "picture id cut,                                 88 80,                             -1",
        "P_DIFF list cut,                                f8 8001 00 03,                     -1",
        "structure sizes cut,                            8a 8001 30 0140 00b4 0280,         -1",
        "group list cut,                                 8a 8001 08 02 04,                  -1",
    })
    void descriptorLength(String name, String hex, int expected) {
        byte[] buf = Hex.bytes(hex);
        assertThat(Vp9PayloadDescriptor.length(buf, 0, buf.length)).isEqualTo(expected);
    }
}
