package io.atrium.webrtc.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The test vectors of RFC 5769, parsed, verified and re-encoded byte for byte. */
class Rfc5769VectorsTest {
    static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

    /** RFC 5769 section 2.1, sample request. */
    static final byte[] REQUEST = hex(
            "00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
            + " 80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74"
            + " 00 24 00 04 6e 00 01 ff"
            + " 80 29 00 08 93 2f f9 b1 51 26 3b 36"
            + " 00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20"
            + " 00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2"
            + " 80 28 00 04 e5 7a 3b cf");

    /** RFC 5769 section 2.2, sample IPv4 response. */
    static final byte[] IPV4_RESPONSE = hex(
            "01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
            + " 80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20"
            + " 00 20 00 08 00 01 a1 47 e1 12 a6 43"
            + " 00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7"
            + " 80 28 00 04 c0 7d 4c 96");

    /** RFC 5769 section 2.3, sample IPv6 response. */
    static final byte[] IPV6_RESPONSE = hex(
            "01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
            + " 80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20"
            + " 00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9"
            + " 00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41"
            + " 80 28 00 04 c8 fb 0b 4c");

    static final byte[] TRANSACTION_ID = hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae");

    private final StunReader reader = new StunReader();

    @Test
    void sampleRequestParsesAndVerifies() {
        assertThat(StunMessage.isStun(REQUEST, 0, REQUEST.length)).isTrue();
        assertThat(reader.parse(REQUEST, 0, REQUEST.length)).isTrue();
        assertThat(reader.messageType()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(reader.method()).isEqualTo(StunMessage.METHOD_BINDING);
        assertThat(reader.messageClass()).isEqualTo(StunMessage.CLASS_REQUEST);
        assertThat(reader.software()).isEqualTo("STUN test client");
        assertThat(reader.priority()).isEqualTo(0x6e0001ffL);
        assertThat(reader.has(StunAttributeType.ICE_CONTROLLED)).isTrue();
        assertThat(reader.iceControlled()).isEqualTo(0x932ff9b151263b36L);
        assertThat(reader.has(StunAttributeType.ICE_CONTROLLING)).isFalse();
        assertThat(reader.useCandidate()).isFalse();
        assertThat(reader.username()).isEqualTo("evtj:h6vY");
        assertThat(reader.usernameEquals("evtj:h6vY".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(reader.usernameEquals("evtj:h6vZ".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(reader.usernameStartsWith("evtj:".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(reader.unknownComprehensionRequiredCount()).isZero();
        assertThat(reader.verifyMessageIntegrity(PASSWORD)).isTrue();
        assertThat(reader.verifyFingerprint()).isTrue();
    }

    @Test
    void sampleRequestReEncodesByteForByte() {
        byte[] out = new byte[REQUEST.length];
        StunWriter writer = spacePaddedWriter();
        byte[] software = "STUN test client".getBytes(StandardCharsets.UTF_8);
        byte[] username = "evtj:h6vY".getBytes(StandardCharsets.UTF_8);
        int len = writer.start(out, 0, StunMessage.BINDING_REQUEST, TRANSACTION_ID, 0)
                .addSoftware(software, 0, software.length)
                .addPriority(0x6e0001ffL)
                .addIceControlled(0x932ff9b151263b36L)
                .addUsername(username, 0, username.length)
                .addMessageIntegrity(PASSWORD)
                .addFingerprint()
                .length();
        assertThat(len).isEqualTo(REQUEST.length);
        assertThat(out).isEqualTo(REQUEST);
    }

    @Test
    void ipv4ResponseParsesVerifiesAndReEncodes() throws Exception {
        assertThat(reader.parse(IPV4_RESPONSE, 0, IPV4_RESPONSE.length)).isTrue();
        assertThat(reader.messageType()).isEqualTo(StunMessage.BINDING_SUCCESS_RESPONSE);
        assertThat(reader.messageClass()).isEqualTo(StunMessage.CLASS_SUCCESS_RESPONSE);
        assertThat(reader.software()).isEqualTo("test vector");
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        assertThat(reader.xorMappedAddress()).isEqualTo(mapped);
        assertThat(reader.verifyMessageIntegrity(PASSWORD)).isTrue();
        assertThat(reader.verifyFingerprint()).isTrue();

        assertThat(reEncodeResponse(mapped, IPV4_RESPONSE.length)).isEqualTo(IPV4_RESPONSE);
    }

    @Test
    void ipv6ResponseParsesVerifiesAndReEncodes() throws Exception {
        assertThat(reader.parse(IPV6_RESPONSE, 0, IPV6_RESPONSE.length)).isTrue();
        assertThat(reader.software()).isEqualTo("test vector");
        InetSocketAddress mapped = new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        assertThat(reader.xorMappedAddress()).isEqualTo(mapped);
        int i = reader.indexOf(StunAttributeType.XOR_MAPPED_ADDRESS);
        byte[] ip = new byte[16];
        assertThat(XorMappedAddress.address(IPV6_RESPONSE, 0, reader.valueOffset(i), reader.valueLength(i), ip, 0))
                .isEqualTo(16);
        assertThat(ip).isEqualTo(mapped.getAddress().getAddress());
        assertThat(XorMappedAddress.port(IPV6_RESPONSE, 0, reader.valueOffset(i))).isEqualTo(32853);
        assertThat(reader.verifyMessageIntegrity(PASSWORD)).isTrue();
        assertThat(reader.verifyFingerprint()).isTrue();

        assertThat(reEncodeResponse(mapped, IPV6_RESPONSE.length)).isEqualTo(IPV6_RESPONSE);
    }

    @Test
    void wrongPasswordFailsIntegrityOfEveryVector() {
        byte[] wrong = "VOkJxbRl1RmTxUk/WvJxBu".getBytes(StandardCharsets.UTF_8);
        for (byte[] vector : new byte[][] {REQUEST, IPV4_RESPONSE, IPV6_RESPONSE}) {
            assertThat(reader.parse(vector, 0, vector.length)).isTrue();
            assertThat(reader.verifyMessageIntegrity(wrong)).isFalse();
            assertThat(reader.verifyMessageIntegrity(new byte[0])).isFalse();
            assertThat(reader.verifyMessageIntegrity(PASSWORD)).isTrue();
        }
    }

    @Test
    void anyFlippedBitBeforeTheFingerprintBreaksIt() {
        for (int pos = 0; pos < REQUEST.length - Fingerprint.ATTRIBUTE_LENGTH; pos++) {
            byte[] copy = REQUEST.clone();
            copy[pos] ^= 0x01;
            if (reader.parse(copy, 0, copy.length)) {
                assertThat(reader.verifyFingerprint()).as("flipped byte %d", pos).isFalse();
            }
        }
    }

    @Test
    void tamperedBodyBreaksIntegrityAndFingerprint() {
        byte[] copy = REQUEST.clone();
        copy[24] = 'X'; // inside SOFTWARE
        assertThat(reader.parse(copy, 0, copy.length)).isTrue();
        assertThat(reader.verifyMessageIntegrity(PASSWORD)).isFalse();
        assertThat(reader.verifyFingerprint()).isFalse();
    }

    @Test
    void vectorsParseAtAnOffsetInsideALargerBuffer() {
        byte[] big = new byte[REQUEST.length + 37];
        System.arraycopy(REQUEST, 0, big, 13, REQUEST.length);
        assertThat(reader.parse(big, 13, REQUEST.length)).isTrue();
        assertThat(reader.username()).isEqualTo("evtj:h6vY");
        assertThat(reader.verifyMessageIntegrity(PASSWORD)).isTrue();
        assertThat(reader.verifyFingerprint()).isTrue();
    }

    private static byte[] reEncodeResponse(InetSocketAddress mapped, int length) {
        byte[] out = new byte[length];
        byte[] software = "test vector".getBytes(StandardCharsets.UTF_8);
        int len = spacePaddedWriter().start(out, 0, StunMessage.BINDING_SUCCESS_RESPONSE, TRANSACTION_ID, 0)
                .addSoftware(software, 0, software.length)
                .addXorMappedAddress(mapped)
                .addMessageIntegrity(PASSWORD)
                .addFingerprint()
                .length();
        assertThat(len).isEqualTo(length);
        return out;
    }

    /** RFC 5769 pads with spaces (allowed by RFC 5389); RFC 8489 senders pad with zeros. */
    private static StunWriter spacePaddedWriter() {
        StunWriter writer = new StunWriter();
        writer.paddingByte = ' ';
        return writer;
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }
}
