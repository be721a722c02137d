package io.atrium.webrtc.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BytesTest {

    @Test
    void writesNetworkByteOrderAtAnOffset() {
        byte[] b = new byte[1 + 2 + 3 + 4 + 8];
        Bytes.put16(b, 1, 0xA1B2);
        Bytes.put24(b, 3, 0xC1D2E3);
        Bytes.put32(b, 6, 0xF1020304);
        Bytes.put64(b, 10, 0x8899AABBCCDDEEFFL);
        assertThat(b).containsExactly(0x00, 0xA1, 0xB2, 0xC1, 0xD2, 0xE3, 0xF1, 0x02, 0x03, 0x04,
                0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF);
    }

    @Test
    void readsBackWhatWasWrittenWithHighBitsSet() {
        byte[] b = new byte[18];
        Bytes.put16(b, 1, 0xA1B2);
        Bytes.put24(b, 3, 0xC1D2E3);
        Bytes.put32(b, 6, 0xF1020304);
        Bytes.put64(b, 10, 0x8899AABBCCDDEEFFL);
        assertThat(Bytes.u16(b, 1)).isEqualTo(0xA1B2);
        assertThat(Bytes.u24(b, 3)).isEqualTo(0xC1D2E3);
        assertThat(Bytes.i32(b, 6)).isEqualTo(0xF1020304);
        assertThat(Integer.toUnsignedLong(Bytes.i32(b, 6))).isEqualTo(0xF1020304L);
        assertThat(Bytes.i64(b, 10)).isEqualTo(0x8899AABBCCDDEEFFL);
    }

    @Test
    void putsKeepOnlyTheLowBitsAndTouchNothingElse() {
        byte[] b = {0x11, 0x22, 0x33, 0x44, 0x55};
        Bytes.put16(b, 1, 0x7FFF_ABCD);
        assertThat(b).containsExactly(0x11, 0xAB, 0xCD, 0x44, 0x55);
        Bytes.put24(b, 1, 0x7F12_3456);
        assertThat(b).containsExactly(0x11, 0x12, 0x34, 0x56, 0x55);
    }

    @Test
    void accessPastTheEndThrowsIndexOutOfBounds() {
        byte[] b = new byte[7];
        assertThatThrownBy(() -> Bytes.u16(b, 6)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Bytes.u24(b, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Bytes.i32(b, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Bytes.i64(b, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Bytes.put32(b, -1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Bytes.put64(b, 0, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @ParameterizedTest(name = "length {0}, off {1}, len {2} -> {3}")
    @CsvSource({
            "10, 0, 10, true",
            "10, 10, 0, true",
            "10, 3, 7, true",
            "10, 3, 8, false",
            "10, 11, 0, false",
            "10, -1, 1, false",
            "10, 0, -1, false",
            "10, 1, 2147483647, false",
            "10, 2147483647, 1, false",
            "0, 0, 0, true",
    })
    void inBoundsTable(int length, int off, int len, boolean expected) {
        assertThat(Bytes.inBounds(new byte[length], off, len)).isEqualTo(expected);
    }

    @Test
    void nullArrayIsNeverInBounds() {
        assertThat(Bytes.inBounds(null, 0, 0)).isFalse();
    }
}
