package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Vp8PayloadDescriptorTest {
    private final Vp8PayloadDescriptor vp8 = new Vp8PayloadDescriptor();

    record Case(String name, String hex, boolean keyframe, int descriptorLength, int pictureId,
                int tl0, int tid, boolean sync, int keyIdx) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> descriptors() {
        return Stream.of(
                new Case("minimal, key frame", "10 10 02 00 9d", true, 1, -1, -1, -1, false, -1),
                new Case("minimal, inter frame (P=1)", "10 11 02 00", false, 1, -1, -1, -1, false, -1),
                new Case("not start of partition", "00 10 02", false, 1, -1, -1, -1, false, -1),
                new Case("partition 1", "11 10 02", false, 1, -1, -1, -1, false, -1),
                new Case("chrome: 15-bit picture id, key frame", "90 80 92 34 10 02 00 9d 01 2a",
                        true, 4, 0x1234, -1, -1, false, -1),
                new Case("7-bit picture id", "90 80 15 31", false, 3, 0x15, -1, -1, false, -1),
                new Case("simulcast: pid, tl0, tid, key frame", "90 e0 80 01 07 40 10",
                        true, 6, 1, 7, 1, false, -1),
                new Case("temporal layer 2 with sync", "80 e0 ff ff 09 a0 11",
                        false, 6, 0x7FFF, 9, 2, true, -1),
                new Case("key index only", "90 10 05 10", true, 3, -1, -1, -1, false, 5),
                new Case("T and K", "90 30 e5 10", true, 3, -1, -1, 3, true, 5));
    }

    @ParameterizedTest
    @MethodSource("descriptors")
    void parsesDescriptors(Case c) {
        byte[] buf = Hex.bytes(c.hex());
        assertThat(vp8.wrap(buf, 0, buf.length)).isTrue();
        assertThat(vp8.isKeyframe()).isEqualTo(c.keyframe());
        assertThat(vp8.descriptorLength()).isEqualTo(c.descriptorLength());
        assertThat(vp8.pictureId()).isEqualTo(c.pictureId());
        assertThat(vp8.tl0PicIdx()).isEqualTo(c.tl0());
        assertThat(vp8.temporalId()).isEqualTo(c.tid());
        assertThat(vp8.layerSync()).isEqualTo(c.sync());
        assertThat(vp8.keyIndex()).isEqualTo(c.keyIdx());
    }

    static Stream<Arguments> truncated() {
        return Stream.of(
                Arguments.of("empty", ""),
                Arguments.of("descriptor only", "10"),
                Arguments.of("X without extension byte", "90"),
                Arguments.of("I without picture id", "90 80"),
                Arguments.of("M=1 picture id cut", "90 80 92"),
                Arguments.of("L without tl0picidx", "90 c0 12"),
                Arguments.of("T without tid byte", "90 e0 12 07"),
                Arguments.of("no payload header after full descriptor", "90 f0 92 34 07 40"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncated")
    void rejectsTruncatedDescriptors(String name, String hex) {
        byte[] buf = Hex.bytes(hex);
        assertThat(vp8.wrap(buf, 0, buf.length)).isFalse();
    }

    @Test
    void rewritesPictureIdAndTl0InPlace() {
        byte[] buf = Hex.bytes("90 e0 80 01 07 40 10 02");
        assertThat(vp8.wrap(buf, 0, buf.length)).isTrue();
        assertThat(vp8.setPictureId(0x8005)).isTrue();
        assertThat(vp8.setTl0PicIdx(0x1FF)).isTrue();
        assertThat(buf).isEqualTo(Hex.bytes("90 e0 80 05 ff 40 10 02"));
        assertThat(vp8.pictureId()).isEqualTo(5);
        assertThat(vp8.hasLongPictureId()).isTrue();

        byte[] shortId = Hex.bytes("90 80 15 31");
        assertThat(vp8.wrap(shortId, 0, shortId.length)).isTrue();
        assertThat(vp8.setPictureId(0x1FF)).isTrue();
        assertThat(shortId).isEqualTo(Hex.bytes("90 80 7f 31"));

        byte[] none = Hex.bytes("10 10");
        assertThat(vp8.wrap(none, 0, none.length)).isTrue();
        assertThat(vp8.setPictureId(1)).isFalse();
        assertThat(vp8.setTl0PicIdx(1)).isFalse();
        assertThat(none).isEqualTo(Hex.bytes("10 10"));
    }
}
