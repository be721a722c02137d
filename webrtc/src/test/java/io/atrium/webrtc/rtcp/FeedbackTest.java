package io.atrium.webrtc.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FeedbackTest {
    private final GenericNack nack = new GenericNack();
    private final PictureLossIndication pli = new PictureLossIndication();
    private final FullIntraRequest fir = new FullIntraRequest();
    private final Remb remb = new Remb();

    @Test
    void readsHandAssembledNack() {
        // PID 1000 with BLP bits 0 and 15 -> 1000, 1001, 1016; PID 65535 BLP bit 0 -> 65535, 0
        byte[] buf = Hex.bytes("81 cd 00 04  00 00 00 01  00 00 00 02  03 e8 80 01  ff ff 00 01");
        assertThat(nack.wrap(buf, 0, buf.length)).isTrue();
        assertThat(nack.senderSsrc()).isEqualTo(1);
        assertThat(nack.mediaSsrc()).isEqualTo(2);
        assertThat(nack.entryCount()).isEqualTo(2);
        assertThat(nack.pid(0)).isEqualTo(1000);
        assertThat(nack.blp(0)).isEqualTo(0x8001);
        int[] lost = new int[10];
        assertThat(nack.lostSequenceNumbers(lost)).isEqualTo(5);
        assertThat(Arrays.copyOf(lost, 5)).containsExactly(1000, 1001, 1016, 65535, 0);
        int[] small = new int[2];
        assertThat(nack.lostSequenceNumbers(small)).isEqualTo(2);
    }

    @Test
    void nackFciRoundTripAcrossWrapAround() {
        int[] seqs = {65530, 65531, 65535, 0, 9, 10, 11, 200, 216, 217};
        int[] fci = new int[8];
        int entries = GenericNack.toFci(seqs, seqs.length, fci);
        // 65530 covers up to 65530+16 = 10 (mod 2^16): 65531, 65535, 0, 9, 10; then 11 starts anew
        assertThat(entries).isEqualTo(4);
        assertThat(fci[0] >>> 16).isEqualTo(65530);
        assertThat(fci[1] >>> 16).isEqualTo(11);
        assertThat(fci[2] >>> 16).isEqualTo(200);
        assertThat(fci[2] & 0xFFFF).isEqualTo(0x8000);
        assertThat(fci[3] >>> 16).isEqualTo(217);

        byte[] buf = new byte[64];
        int n = GenericNack.write(buf, 0, buf.length, 0xA, 0xB, fci, entries);
        assertThat(n).isEqualTo(12 + 16);
        assertThat(nack.wrap(buf, 0, n)).isTrue();
        int[] lost = new int[32];
        int count = nack.lostSequenceNumbers(lost);
        assertThat(Arrays.copyOf(lost, count)).containsExactly(seqs);
    }

    @Test
    void nackFciDropsDuplicatesAndToleratesDisorder() {
        int[] seqs = {5, 5, 3, 4};
        int[] fci = new int[4];
        int entries = GenericNack.toFci(seqs, seqs.length, fci);
        int[] out = new int[40];
        int n = 0;
        for (int i = 0; i < entries; i++) {
            n += GenericNack.fromFci(fci[i] >>> 16, fci[i] & 0xFFFF, out, n);
        }
        assertThat(Arrays.copyOf(out, n)).containsExactlyInAnyOrder(3, 4, 5);
        assertThat(GenericNack.toFci(seqs, seqs.length, new int[1])).isEqualTo(1);
        assertThat(GenericNack.write(new byte[64], 0, 64, 1, 2, fci, 0)).isEqualTo(-1);
    }

    @Test
    void pliRoundTripAndBytes() {
        byte[] buf = new byte[12];
        assertThat(PictureLossIndication.write(buf, 0, 12, 1, 2)).isEqualTo(12);
        assertThat(buf).isEqualTo(Hex.bytes("81 ce 00 02 00 00 00 01 00 00 00 02"));
        assertThat(pli.wrap(buf, 0, 12)).isTrue();
        assertThat(pli.senderSsrc()).isEqualTo(1);
        assertThat(pli.mediaSsrc()).isEqualTo(2);
        assertThat(PictureLossIndication.write(buf, 1, 12, 1, 2)).isEqualTo(-1);
    }

    @Test
    void firRoundTripWithSequenceNumbers() {
        byte[] buf = new byte[64];
        int n = FullIntraRequest.write(buf, 0, 64, 9, new int[] {0x11, 0x22}, new int[] {255, 256}, 2);
        assertThat(n).isEqualTo(28);
        assertThat(fir.wrap(buf, 0, n)).isTrue();
        assertThat(fir.senderSsrc()).isEqualTo(9);
        assertThat(fir.entryCount()).isEqualTo(2);
        assertThat(fir.ssrc(0)).isEqualTo(0x11);
        assertThat(fir.sequenceNumber(0)).isEqualTo(255);
        assertThat(fir.ssrc(1)).isEqualTo(0x22);
        assertThat(fir.sequenceNumber(1)).isZero();

        assertThat(FullIntraRequest.write(buf, 0, 64, 9, 0xABCD, 7)).isEqualTo(20);
        assertThat(Arrays.copyOf(buf, 20)).isEqualTo(
                Hex.bytes("84 ce 00 04 00 00 00 09 00 00 00 00 00 00 ab cd 07 00 00 00"));
    }

    @Test
    void readsHandAssembledRemb() {
        // 'REMB', 2 SSRCs, exp 3, mantissa 0x3ffff -> 262143 * 8 = 2097144 bps
        byte[] buf = Hex.bytes("8f ce 00 06  00 00 00 01  00 00 00 00  52 45 4d 42  02 0f ff ff  00 00 00 0a  00 00 00 0b");
        assertThat(remb.wrap(buf, 0, buf.length)).isTrue();
        assertThat(Remb.isRemb(buf, 0, buf.length)).isTrue();
        assertThat(remb.senderSsrc()).isEqualTo(1);
        assertThat(remb.bitrate()).isEqualTo(2_097_144L);
        assertThat(remb.ssrcCount()).isEqualTo(2);
        assertThat(remb.ssrc(0)).isEqualTo(10);
        assertThat(remb.ssrc(1)).isEqualTo(11);
    }

    @Test
    void rembRoundTripRoundsDownToEighteenBitMantissa() {
        byte[] buf = new byte[64];
        int n = Remb.write(buf, 0, 64, 5, 1_000_000L, new int[] {1, 2, 3}, 3);
        assertThat(n).isEqualTo(32);
        assertThat(remb.wrap(buf, 0, n)).isTrue();
        assertThat(remb.bitrate()).isEqualTo(1_000_000L);
        assertThat(remb.ssrcCount()).isEqualTo(3);
        assertThat(remb.ssrc(2)).isEqualTo(3);

        n = Remb.write(buf, 0, 64, 5, 123_456_789L, new int[0], 0);
        assertThat(remb.wrap(buf, 0, n)).isTrue();
        assertThat(remb.bitrate()).isLessThanOrEqualTo(123_456_789L).isGreaterThan(123_456_789L - 512);

        n = Remb.write(buf, 0, 64, 5, Long.MAX_VALUE, new int[0], 0);
        assertThat(remb.wrap(buf, 0, n)).isTrue();
        assertThat(remb.bitrate()).isLessThanOrEqualTo(Long.MAX_VALUE).isGreaterThan(Long.MAX_VALUE / 2);
        assertThat(Remb.write(buf, 0, 64, 5, -1, new int[0], 0)).isEqualTo(-1);
    }

    @Test
    void rembBitrateSaturatesOnHugeExponent() {
        byte[] buf = Hex.bytes("8f ce 00 04  00 00 00 01  00 00 00 00  52 45 4d 42  00 ff ff ff");
        assertThat(remb.wrap(buf, 0, buf.length)).isTrue();
        assertThat(remb.bitrate()).isEqualTo(Long.MAX_VALUE);
    }

    static Stream<Arguments> malformedFeedback() {
        return Stream.of(
                Arguments.of("NACK without FCI", "81 cd 00 02 00 00 00 01 00 00 00 02"),
                Arguments.of("NACK with wrong FMT", "82 cd 00 03 00 00 00 01 00 00 00 02 00 01 00 00"),
                Arguments.of("NACK as PSFB", "81 ce 00 03 00 00 00 01 00 00 00 02 00 01 00 00"),
                Arguments.of("PLI truncated", "81 ce 00 01 00 00 00 01"),
                Arguments.of("PLI with wrong FMT", "82 ce 00 02 00 00 00 01 00 00 00 02"),
                Arguments.of("FIR without entry", "84 ce 00 02 00 00 00 01 00 00 00 00"),
                Arguments.of("REMB wrong identifier", "8f ce 00 04 00 00 00 01 00 00 00 00 52 45 4d 43 00 00 00 01"),
                Arguments.of("REMB SSRC count past end", "8f ce 00 04 00 00 00 01 00 00 00 00 52 45 4d 42 01 00 00 01"),
                Arguments.of("REMB without bitrate", "8f ce 00 03 00 00 00 01 00 00 00 00 52 45 4d 42"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFeedback")
    void rejectsMalformedFeedback(String name, String hex) {
        byte[] buf = Hex.bytes(hex);
        boolean anyAccepts = nack.wrap(buf, 0, buf.length) && name.startsWith("NACK")
                || pli.wrap(buf, 0, buf.length) && name.startsWith("PLI")
                || fir.wrap(buf, 0, buf.length) && name.startsWith("FIR")
                || remb.wrap(buf, 0, buf.length) && name.startsWith("REMB");
        assertThat(anyAccepts).isFalse();
    }
}
