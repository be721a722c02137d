package io.atrium.webrtc.stun;

import io.atrium.webrtc.util.Bytes;

import static io.atrium.webrtc.stun.Rfc5769VectorsTest.REQUEST;
import static io.atrium.webrtc.stun.Rfc5769VectorsTest.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed, truncated and hostile datagrams: the reader says no and never throws. */
class StunReaderMalformedTest {
    private static final String HEADER_TAIL = "2112a442 000102030405060708090a0b";

    private final StunReader reader = new StunReader();

    /** A Binding request whose length field matches {@code body} (hex of the attributes). */
    static byte[] request(String body) {
        byte[] b = hex(body);
        return hex(String.format("0001%04x", b.length) + HEADER_TAIL + body.replace(" ", ""));
    }

    static byte[] withByte(byte[] src, int index, int value) {
        byte[] copy = src.clone();
        copy[index] = (byte) value;
        return copy;
    }

    static Stream<Arguments> malformed() {
        byte[] valid = request("0006 0004 61626364");
        byte[] manyAttributes = request("0025 0000 ".repeat(StunReader.MAX_ATTRIBUTES + 1));
        byte[] longUsername = request("0006 0204 " + "61".repeat(0x204));
        byte[] longSoftware = request("8022 0300 " + "61".repeat(0x300));
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("19 bytes, shorter than a header", Arrays.copyOf(request(""), 19)),
                Arguments.of("header only but one byte longer", Arrays.copyOf(request(""), 21)),
                Arguments.of("first two bits 01", withByte(valid, 0, 0x40)),
                Arguments.of("first two bits 10", withByte(valid, 0, 0x80)),
                Arguments.of("first byte 4, outside RFC 7983 STUN range", withByte(valid, 0, 0x04)),
                Arguments.of("wrong magic cookie", withByte(valid, 7, 0x43)),
                Arguments.of("RFC 3489 style, no cookie", withByte(withByte(valid, 4, 0), 5, 0)),
                Arguments.of("length not a multiple of 4", withByte(valid, 3, 0x07)),
                Arguments.of("length larger than datagram", withByte(valid, 3, 0x0c)),
                Arguments.of("length smaller than datagram", withByte(valid, 3, 0x04)),
                Arguments.of("attribute value runs past the end", request("0006 0009 61626364")),
                Arguments.of("last attribute not padded", request("0006 0005 6162636465")),
                Arguments.of("attribute length 0xffff", request("8022 ffff 61626364")),
                Arguments.of("attribute after FINGERPRINT", request("8028 0004 00000000 0025 0000")),
                Arguments.of("MESSAGE-INTEGRITY of 16 bytes", request("0008 0010 " + "00".repeat(16))),
                Arguments.of("FINGERPRINT of 8 bytes", request("8028 0008 " + "00".repeat(8))),
                Arguments.of("XOR-MAPPED-ADDRESS family 3", request("0020 0008 0003 1234 01020304")),
                Arguments.of("XOR-MAPPED-ADDRESS IPv4 family, IPv6 length",
                        request("0020 0014 0001 1234 " + "00".repeat(16))),
                Arguments.of("XOR-MAPPED-ADDRESS IPv6 family, IPv4 length", request("0020 0008 0002 1234 01020304")),
                Arguments.of("XOR-MAPPED-ADDRESS of 2 bytes", request("0020 0002 0001 0000")),
                Arguments.of("MAPPED-ADDRESS of 0 bytes", request("0001 0000")),
                Arguments.of("PRIORITY of 8 bytes", request("0024 0008 " + "00".repeat(8))),
                Arguments.of("USE-CANDIDATE with a value", request("0025 0004 00000000")),
                Arguments.of("ICE-CONTROLLING of 4 bytes", request("802a 0004 00000000")),
                Arguments.of("ICE-CONTROLLED of 12 bytes", request("8029 000c " + "00".repeat(12))),
                Arguments.of("ERROR-CODE of 2 bytes", request("0009 0002 0000 0000")),
                Arguments.of("ERROR-CODE class 7", request("0009 0004 00000701")),
                Arguments.of("ERROR-CODE class 2", request("0009 0004 00000201")),
                Arguments.of("ERROR-CODE number 100", request("0009 0004 00000464")),
                Arguments.of("UNKNOWN-ATTRIBUTES of odd length", request("000a 0003 00010200")),
                Arguments.of("USERNAME over the limit", longUsername),
                Arguments.of("SOFTWARE over the limit", longSoftware),
                Arguments.of("more attributes than MAX_ATTRIBUTES", manyAttributes));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformed(String name, byte[] datagram) {
        assertThat(reader.parse(datagram, 0, datagram.length)).isFalse();
        assertThat(reader.isValid()).isFalse();
        assertThat(reader.verifyFingerprint()).isFalse();
        assertThat(reader.verifyMessageIntegrity(Rfc5769VectorsTest.PASSWORD)).isFalse();
    }

    @Test
    void theTableBaseMessageIsValid() {
        byte[] valid = request("0006 0004 61626364");
        assertThat(reader.parse(valid, 0, valid.length)).isTrue();
        assertThat(reader.username()).isEqualTo("abcd");
        byte[] atLimit = request("0025 0000 ".repeat(StunReader.MAX_ATTRIBUTES));
        assertThat(reader.parse(atLimit, 0, atLimit.length)).isTrue();
        assertThat(reader.attributeCount()).isEqualTo(StunReader.MAX_ATTRIBUTES);
    }

    @Test
    void rejectsBadBufferBounds() {
        assertThat(reader.parse(null, 0, 20)).isFalse();
        assertThat(reader.parse(REQUEST, -1, REQUEST.length)).isFalse();
        assertThat(reader.parse(REQUEST, 0, REQUEST.length + 1)).isFalse();
        assertThat(reader.parse(REQUEST, 4, REQUEST.length)).isFalse();
        assertThat(reader.parse(REQUEST, 0, -5)).isFalse();
        assertThat(reader.parse(REQUEST, Integer.MAX_VALUE, 100)).isFalse();
        assertThat(StunMessage.isStun(REQUEST, 0, 19)).isFalse();
        assertThat(StunMessage.isStun(null, 0, 20)).isFalse();
    }

    @Test
    void everyTruncationOfTheSampleRequestIsRejected() {
        for (int len = 0; len < REQUEST.length; len++) {
            assertThat(reader.parse(REQUEST, 0, len)).as("prefix of %d bytes", len).isFalse();
        }
    }

    @Test
    void truncationsWithAPatchedLengthParseOnlyOnAttributeBoundariesAndLoseTheFingerprint() {
        int[] boundaries = {20, 40, 48, 60, 76, 100};
        for (int len = 20; len < REQUEST.length; len += 4) {
            byte[] cut = Arrays.copyOf(REQUEST, len);
            Bytes.put16(cut, 2, len - 20);
            boolean onBoundary = Arrays.stream(boundaries).anyMatch(b -> b == cut.length);
            assertThat(reader.parse(cut, 0, len)).as("patched prefix of %d bytes", len).isEqualTo(onBoundary);
            assertThat(reader.verifyFingerprint()).isFalse();
        }
    }

    @Test
    void attributesAfterMessageIntegrityOtherThanFingerprintAreIgnored() {
        byte[] msg = request("0008 0014 " + "00".repeat(20) + " 0006 0004 61626364");
        assertThat(reader.parse(msg, 0, msg.length)).isTrue();
        assertThat(reader.hasMessageIntegrity()).isTrue();
        assertThat(reader.username()).isNull();
        assertThat(reader.attributeCount()).isEqualTo(1);
    }

    @Test
    void unknownComprehensionRequiredTypesAreCollectedOnceInOrder() {
        byte[] msg = request("0033 0000 c001 0000 0031 0004 00000000 0033 0000 0006 0001 61000000");
        assertThat(reader.parse(msg, 0, msg.length)).isTrue();
        assertThat(reader.unknownComprehensionRequiredCount()).isEqualTo(2);
        assertThat(reader.unknownComprehensionRequired(0)).isEqualTo(0x0033);
        assertThat(reader.unknownComprehensionRequired(1)).isEqualTo(0x0031);
        assertThat(reader.username()).isEqualTo("a");
    }

    @Test
    void repeatedAttributeFirstOccurrenceWins() {
        byte[] msg = request("0024 0004 00000001 0024 0004 00000002");
        assertThat(reader.parse(msg, 0, msg.length)).isTrue();
        assertThat(reader.priority()).isEqualTo(1);
    }
}
