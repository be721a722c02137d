package io.atrium.webrtc.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Messages built by {@link StunWriter} read back by {@link StunReader}. */
class StunRoundTripTest {
    private static final byte[] KEY = "a-password-of-22-chars!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TX = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private final StunWriter writer = new StunWriter();
    private final StunReader reader = new StunReader();

    @Test
    void bindingRequestWithIceAttributes() {
        byte[] buf = new byte[256];
        Arrays.fill(buf, (byte) 0x55);
        byte[] user = "remote:loc".getBytes(StandardCharsets.UTF_8);
        int len = writer.start(buf, 0, StunMessage.BINDING_REQUEST, TX, 0)
                .addUsername(user, 0, user.length)
                .addPriority(0xFFFF_FFFFL)
                .addIceControlling(-2L)
                .addUseCandidate()
                .addMessageIntegrity(KEY)
                .addFingerprint()
                .length();
        assertThat(len).isEqualTo(20 + 16 + 8 + 12 + 4 + 24 + 8);
        assertThat(len % 4).isZero();
        assertThat(reader.parse(buf, 0, len)).isTrue();
        assertThat(reader.messageType()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(reader.username()).isEqualTo("remote:loc");
        assertThat(reader.priority()).isEqualTo(0xFFFF_FFFFL);
        assertThat(reader.iceControlling()).isEqualTo(-2L);
        assertThat(reader.useCandidate()).isTrue();
        byte[] tx = new byte[12];
        reader.copyTransactionId(tx, 0);
        assertThat(tx).isEqualTo(TX);
        assertThat(reader.verifyMessageIntegrity(KEY)).isTrue();
        assertThat(reader.verifyFingerprint()).isTrue();
        // padding bytes are zero, as RFC 8489 requires of senders
        assertThat(buf[20 + 4 + 10]).isZero();
        assertThat(buf[20 + 4 + 11]).isZero();
    }

    @Test
    void errorResponseWithUnknownAttributes() {
        byte[] buf = new byte[256];
        byte[] reason = "Unknown Attribute".getBytes(StandardCharsets.UTF_8);
        int len = writer.start(buf, 0, StunMessage.BINDING_ERROR_RESPONSE, TX, 0)
                .addErrorCode(420, reason, 0, reason.length)
                .addUnknownAttributes(new int[] {0x0031, 0x7777, 0x0042}, 3)
                .addFingerprint()
                .length();
        assertThat(reader.parse(buf, 0, len)).isTrue();
        assertThat(reader.messageClass()).isEqualTo(StunMessage.CLASS_ERROR_RESPONSE);
        assertThat(reader.errorCode()).isEqualTo(420);
        assertThat(reader.errorReason()).isEqualTo("Unknown Attribute");
        int i = reader.indexOf(StunAttributeType.UNKNOWN_ATTRIBUTES);
        assertThat(UnknownAttributes.count(reader.valueLength(i))).isEqualTo(3);
        assertThat(UnknownAttributes.type(buf, reader.valueOffset(i), 1)).isEqualTo(0x7777);
        assertThat(reader.hasMessageIntegrity()).isFalse();
        assertThat(reader.verifyMessageIntegrity(KEY)).isFalse();
        assertThat(reader.verifyFingerprint()).isTrue();
    }

    @Test
    void defaultReasonPhrasesAndEveryErrorClass() {
        byte[] buf = new byte[128];
        for (int code : new int[] {300, 400, 401, 420, 487, 500, 699}) {
            int len = writer.start(buf, 0, StunMessage.BINDING_ERROR_RESPONSE, TX, 0).addErrorCode(code).length();
            assertThat(reader.parse(buf, 0, len)).isTrue();
            assertThat(reader.errorCode()).isEqualTo(code);
        }
        writer.start(buf, 0, StunMessage.BINDING_ERROR_RESPONSE, TX, 0).addErrorCode(401);
        reader.parse(buf, 0, writer.length());
        assertThat(reader.errorReason()).isEqualTo("Unauthorized");
    }

    @Test
    void addressesIpv4AndIpv6PlainAndXored() throws Exception {
        byte[] buf = new byte[256];
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 65535);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("fe80::1:2:3:4"), 1);
        int len = writer.start(buf, 8, StunMessage.BINDING_SUCCESS_RESPONSE, TX, 0)
                .addMappedAddress(v4.getAddress().getAddress(), v4.getPort())
                .addXorMappedAddress(v6)
                .length();
        assertThat(reader.parse(buf, 8, len)).isTrue();
        assertThat(reader.mappedAddress()).isEqualTo(v4);
        assertThat(reader.xorMappedAddress()).isEqualTo(v6);

        len = writer.start(buf, 0, StunMessage.BINDING_SUCCESS_RESPONSE, TX, 0)
                .addMappedAddress(v6.getAddress().getAddress(), v6.getPort())
                .addXorMappedAddress(v4)
                .length();
        assertThat(reader.parse(buf, 0, len)).isTrue();
        assertThat(reader.mappedAddress()).isEqualTo(v6);
        assertThat(reader.xorMappedAddress()).isEqualTo(v4);
        int i = reader.indexOf(StunAttributeType.XOR_MAPPED_ADDRESS);
        // on the wire the address really is obfuscated: 203 ^ 0x21
        assertThat(buf[reader.valueOffset(i) + 4] & 0xFF).isEqualTo(203 ^ 0x21);
    }

    @Test
    void integrityCoversOnlyWhatPrecedesItAndFingerprintMayFollow() {
        byte[] buf = new byte[128];
        int withFingerprint = writer.start(buf, 0, StunMessage.BINDING_REQUEST, TX, 0)
                .addPriority(7).addMessageIntegrity(KEY).addFingerprint().length();
        byte[] mac = Arrays.copyOfRange(buf, 20 + 8 + 4, 20 + 8 + 24);

        byte[] other = new byte[128];
        int without = writer.start(other, 0, StunMessage.BINDING_REQUEST, TX, 0)
                .addPriority(7).addMessageIntegrity(KEY).length();
        assertThat(without).isEqualTo(withFingerprint - 8);
        assertThat(Arrays.copyOfRange(other, 20 + 8 + 4, 20 + 8 + 24)).isEqualTo(mac);
        assertThat(reader.parse(other, 0, without)).isTrue();
        assertThat(reader.verifyMessageIntegrity(KEY)).isTrue();
        assertThat(reader.hasFingerprint()).isFalse();
        assertThat(reader.verifyFingerprint()).isFalse();
    }

    @Test
    void changingKeysBetweenMessagesIsHonoured() {
        byte[] buf = new byte[128];
        byte[] key2 = "another-password-xxxxxx".getBytes(StandardCharsets.UTF_8);
        int len = writer.start(buf, 0, StunMessage.BINDING_REQUEST, TX, 0).addMessageIntegrity(KEY).length();
        reader.parse(buf, 0, len);
        assertThat(reader.verifyMessageIntegrity(KEY)).isTrue();
        len = writer.start(buf, 0, StunMessage.BINDING_REQUEST, TX, 0).addMessageIntegrity(key2).length();
        reader.parse(buf, 0, len);
        assertThat(reader.verifyMessageIntegrity(KEY)).isFalse();
        assertThat(reader.verifyMessageIntegrity(key2)).isTrue();
    }

    @Test
    void writerRejectsProgrammerErrors() {
        byte[] small = new byte[30];
        writer.start(small, 0, StunMessage.BINDING_REQUEST, TX, 0);
        assertThatThrownBy(() -> writer.addMessageIntegrity(KEY)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> writer.start(new byte[19], 0, StunMessage.BINDING_REQUEST, TX, 0))
                .isInstanceOf(IllegalStateException.class);
        byte[] buf = new byte[128];
        writer.start(buf, 0, StunMessage.BINDING_REQUEST, TX, 0).addFingerprint();
        assertThatThrownBy(writer::addUseCandidate).isInstanceOf(IllegalStateException.class);
        writer.start(buf, 0, StunMessage.BINDING_REQUEST, TX, 0);
        assertThatThrownBy(() -> writer.addErrorCode(700)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.addPriority(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.addXorMappedAddress(new byte[5], 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.start(buf, 0, 0x4001, TX, 0)).isInstanceOf(IllegalArgumentException.class);
        // a failed add leaves the message as it was
        assertThat(writer.length()).isEqualTo(20);
    }
}
