package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The VP9 payload descriptor flyweight (RFC 9628 section 4.2) on descriptors shaped as Chrome sends k-SVC
 * ({@code L3T3_KEY}: non-flexible, 15-bit picture id, layer indices, TL0PICIDX, a scalability structure with sizes on
 * key frames), and refusing every descriptor cut short.
 */
class Vp9PayloadDescriptorTest {

    /**
     * Fields read: picture id, SID, TID, U, D, B, E, P, TL0PICIDX, key frame, descriptor length, and the spatial layer
     * sizes of the scalability structure ("-" without one).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "key frame SID 0, structure of three sizes | aa 8123 00 07 50 0140 00b4 0280 0168 0500 02d0 aa"
                + " | 291 0 0 false false true false false 7 true 18 | 320x180 640x360 1280x720",
        "key frame SID 2 (D: from SID 1), last packet | a4 8123 05 07 aa | 291 2 0 false true false true false 7 false 5 | -",
        "TL2 frame with U, SID 1, first packet | e8 8124 52 07 aa | 292 1 2 true false true false true 7 false 5 | -",
        "7-bit picture id, no layer indices | cc 05 aa | 5 0 -1 false false true true true -1 false 2 | -",
        "flexible mode, two P_DIFFs | fc 8001 20 03 02 aa | 1 0 1 false false true true true -1 false 6 | -",
        "structure without sizes (one group) | 8e 8001 08 01 04 01 aa | 1 0 -1 false false true true false -1 true 7 | -",
    })
    void readsTheFields(String name, String hex, String fields, String sizes) {
        byte[] buf = Hex.bytes(hex);
        Vp9PayloadDescriptor d = new Vp9PayloadDescriptor();
        assertThat(d.wrap(buf, 0, buf.length)).isTrue();
        assertThat(d.pictureId() + " " + d.spatialId() + " " + d.temporalId() + " " + d.switchingUp() + " "
                + d.interLayerDependent() + " " + d.beginsFrame() + " " + d.endsFrame() + " " + d.interPicturePredicted()
                + " " + d.tl0PicIdx() + " " + d.isKeyframe() + " " + d.descriptorLength()).isEqualTo(fields);
        List<String> found = new ArrayList<>();
        for (int s = 0; d.hasLayerSizes() && s < d.scalabilityLayers(); s++) {
            found.add(d.layerWidth(s) + "x" + d.layerHeight(s));
        }
        assertThat(found.isEmpty() ? "-" : String.join(" ", found)).isEqualTo(sizes);
        assertThat(d.isKeyframe()).isEqualTo(Vp9PayloadDescriptor.isKeyframe(buf, 0, buf.length));
    }

    /** Every prefix of a full descriptor that ends inside it is refused, at offset 0 and inside a larger array. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "structure with sizes | aa 8123 00 07 50 0140 00b4 0280 0168 0500 02d0",
        "flexible P_DIFFs | fc 8001 20 03 02",
        "group description | 8e 8001 08 01 04 01",
        "layer indices | a8 8123 05 07",
    })
    void refusesEveryCutDescriptor(String name, String hex) {
        byte[] full = Hex.bytes(hex);
        Vp9PayloadDescriptor d = new Vp9PayloadDescriptor();
        for (int n = 0; n < full.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            assertThat(d.wrap(cut, 0, n)).as("%d of %d bytes", n, full.length).isFalse();
            byte[] padded = new byte[full.length + 8];
            System.arraycopy(full, 0, padded, 4, full.length);
            assertThat(d.wrap(padded, 4, n)).as("%d bytes inside a larger array", n).isFalse();
        }
        assertThat(d.wrap(full, 0, full.length)).isTrue();
        assertThat(d.wrap(full, 0, full.length + 1)).as("length past the array").isFalse();
    }
}
