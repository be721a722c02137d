package io.atrium.webrtc.stun;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StunMessageTest {
    @ParameterizedTest(name = "method {0} class {1} -> 0x{2}")
    @CsvSource({
        "1, 0, 0001", "1, 1, 0011", "1, 2, 0101", "1, 3, 0111",
        // TURN Allocate (0x003) error response is 0x0113; method 0xFFF request is 0x3EEF
        "3, 3, 0113", "4095, 0, 3EEF", "4095, 3, 3FFF", "0, 0, 0000"})
    void messageTypeBitLayout(int method, int messageClass, String hexType) {
        int type = Integer.parseInt(hexType, 16);
        assertThat(StunMessage.type(method, messageClass)).isEqualTo(type);
        assertThat(StunMessage.method(type)).isEqualTo(method);
        assertThat(StunMessage.messageClass(type)).isEqualTo(messageClass);
    }

    @ParameterizedTest(name = "first byte {0}, cookie ok {1} -> {2}")
    @CsvSource({
        "0, true, true", "1, true, true", "3, true, true",
        "4, true, false", "20, true, false", "64, true, false", "128, true, false", "0, false, false"})
    void isStunUsesRfc7983FirstByteAndCookie(int firstByte, boolean cookie, boolean expected) {
        byte[] b = new byte[20];
        b[0] = (byte) firstByte;
        if (cookie) {
            b[4] = 0x21;
            b[5] = 0x12;
            b[6] = (byte) 0xA4;
            b[7] = 0x42;
        }
        assertThat(StunMessage.isStun(b, 0, 20)).isEqualTo(expected);
    }
}
