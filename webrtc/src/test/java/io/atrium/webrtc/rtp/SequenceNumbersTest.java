package io.atrium.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SequenceNumbersTest {
    @ParameterizedTest(name = "isNewer({0}, {1}) = {2}")
    @CsvSource({
        "1, 0, true",
        "0, 1, false",
        "0, 65535, true",
        "65535, 0, false",
        "5, 65530, true",
        "32767, 0, true",
        "32768, 0, true",
        "0, 32768, false",
        "32769, 0, false",
        "7, 7, false",
    })
    void isNewerUsesSerialArithmetic(int a, int b, boolean expected) {
        assertThat(SequenceNumbers.isNewer(a, b)).isEqualTo(expected);
    }

    @Test
    void isNewerIsAntisymmetric() {
        for (int a = 0; a < 65536; a += 97) {
            for (int b = 0; b < 65536; b += 89) {
                if (a != b) {
                    assertThat(SequenceNumbers.isNewer(a, b)).isNotEqualTo(SequenceNumbers.isNewer(b, a));
                }
            }
        }
    }

    @Test
    void distanceAndAddWrap() {
        assertThat(SequenceNumbers.distance(2, 65534)).isEqualTo(4);
        assertThat(SequenceNumbers.distance(65534, 2)).isEqualTo(-4);
        assertThat(SequenceNumbers.add(65535, 1)).isZero();
        assertThat(SequenceNumbers.add(0, -1)).isEqualTo(65535);
    }

    @Test
    void timestampComparisonWraps() {
        assertThat(SequenceNumbers.isNewerTimestamp(5, -5)).isTrue();
        assertThat(SequenceNumbers.isNewerTimestamp(-5, 5)).isFalse();
        assertThat(SequenceNumbers.isNewerTimestamp(Integer.MIN_VALUE, 0)).isTrue();
        assertThat(SequenceNumbers.isNewerTimestamp(0, Integer.MIN_VALUE)).isFalse();
    }

    @Test
    void unwrapsAcross65535To0() {
        SequenceNumberUnwrapper u = new SequenceNumberUnwrapper();
        assertThat(u.unwrap(65533)).isEqualTo(65533);
        assertThat(u.unwrap(65535)).isEqualTo(65535);
        assertThat(u.unwrap(0)).isEqualTo(65536);
        assertThat(u.unwrap(65534)).isEqualTo(65534); // reordered, before the wrap
        assertThat(u.unwrap(1)).isEqualTo(65537);
        assertThat(u.peek(65535)).isEqualTo(65535);
    }

    @Test
    void unwrapsManyCyclesForwardAndBackward() {
        SequenceNumberUnwrapper u = new SequenceNumberUnwrapper();
        long expected = 60000;
        assertThat(u.unwrap(60000)).isEqualTo(expected);
        for (int i = 0; i < 5 * 65536 / 1000; i++) {
            expected += 1000;
            assertThat(u.unwrap((int) (expected & 0xFFFF))).isEqualTo(expected);
        }
        assertThat(u.unwrap((int) ((expected - 20000) & 0xFFFF))).isEqualTo(expected - 20000);
        u.reset();
        assertThat(u.unwrap(3)).isEqualTo(3);
        assertThat(u.unwrap(65535)).isEqualTo(-1);
    }
}
