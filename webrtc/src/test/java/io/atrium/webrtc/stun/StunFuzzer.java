package io.atrium.webrtc.stun;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.atrium.webrtc.ice.IceCredentials;
import io.atrium.webrtc.ice.IceLiteAgent;
import io.atrium.webrtc.ice.IceLiteConfig;
import io.atrium.webrtc.ice.IceLiteListener;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link StunReader} (RFC 8489 section 5 and 14) and of the ICE-lite
 * agent answering what it accepts (RFC 8445 section 7.3). The input is either a raw datagram or, so the
 * fuzzer reaches past MESSAGE-INTEGRITY, a list of attributes the target signs with the agent's password
 * and fingerprints. Nothing may throw; what the reader accepts lies inside the datagram; every answer the
 * agent writes is itself valid STUN with a correct FINGERPRINT and the request's transaction id.
 * Corpus: {@code src/test/resources/io/atrium/webrtc/stun/StunFuzzerInputs/fuzz/}.
 */
public class StunFuzzer {
    private static final IceCredentials LOCAL = new IceCredentials("LoCaL123", "localPasswordLocalPassword");
    private static final byte[] KEY = LOCAL.password().getBytes(StandardCharsets.UTF_8);
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 50000);
    private static final IceLiteListener QUIET = new IceLiteListener() { };

    private final StunReader reader = new StunReader();
    private final StunReader responses = new StunReader();
    private final StunWriter writer = new StunWriter();
    private final byte[] out = new byte[IceLiteAgent.MIN_RESPONSE_BUFFER];

    @FuzzTest
    public void fuzz(FuzzedDataProvider data) {
        IceLiteAgent agent = new IceLiteAgent(LOCAL, data.consumeBoolean() ? "ReMo" : null, IceLiteConfig.DEFAULT,
                () -> 1_000, QUIET);
        byte[] datagram = data.consumeBoolean() ? signed(data) : data.consumeRemainingAsBytes();
        if (reader.parse(datagram, 0, datagram.length)) {
            readAll(datagram.length);
        } else {
            assertThat(reader.isValid()).isFalse();
            assertThat(reader.verifyFingerprint()).isFalse();
        }
        int n = agent.handle(datagram, 0, datagram.length, PEER, out);
        if (n > 0) {
            assertThat(responses.parse(out, 0, n)).isTrue();
            assertThat(responses.verifyFingerprint()).isTrue();
            for (int i = 0; i < 12; i++) {
                assertThat(out[StunMessage.TRANSACTION_ID_OFFSET + i])
                        .isEqualTo(datagram[StunMessage.TRANSACTION_ID_OFFSET + i]);
            }
        } else {
            assertThat(n).isEqualTo(-1);
        }
    }

    /** A request of fuzzer-chosen type and attributes, then MESSAGE-INTEGRITY and FINGERPRINT done right. */
    private byte[] signed(FuzzedDataProvider data) {
        byte[] buf = new byte[1024];
        byte[] tx = data.consumeBytes(12);
        writer.start(buf, 0, data.consumeBoolean() ? StunMessage.BINDING_REQUEST : data.consumeInt(0, 0x3FFF),
                Arrays.copyOf(tx, 12), 0);
        for (int i = data.consumeInt(0, 8); i > 0 && writer.length() < 700; i--) {
            int type = data.consumeBoolean() ? data.pickValue(new int[] {0x0006, 0x0024, 0x0025, 0x8029, 0x802A, 0x0009,
                0x000A, 0x0020, 0x0001, 0x8022}) : data.consumeInt(0, 0xFFFF);
            byte[] value = data.consumeBytes(data.consumeInt(0, 64));
            if (type == StunAttributeType.MESSAGE_INTEGRITY || type == StunAttributeType.FINGERPRINT) {
                continue;
            }
            writer.addAttribute(type, value, 0, value.length);
        }
        int len = writer.addMessageIntegrity(KEY).addFingerprint().length();
        return Arrays.copyOf(buf, len);
    }

    private void readAll(int len) {
        assertThat(reader.length()).isEqualTo(len);
        assertThat(reader.attributeCount()).isBetween(0, StunReader.MAX_ATTRIBUTES);
        for (int i = 0; i < reader.attributeCount(); i++) {
            assertThat(reader.valueOffset(i)).isBetween(StunMessage.HEADER_LENGTH + 4, len);
            assertThat(reader.valueOffset(i) + reader.valueLength(i)).isLessThanOrEqualTo(len);
        }
        reader.method();
        reader.messageClass();
        reader.username();
        reader.software();
        reader.priority();
        reader.useCandidate();
        reader.errorCode();
        reader.errorReason();
        reader.xorMappedAddress();
        reader.mappedAddress();
        if (reader.has(StunAttributeType.ICE_CONTROLLED)) {
            reader.iceControlled();
        }
        if (reader.has(StunAttributeType.ICE_CONTROLLING)) {
            reader.iceControlling();
        }
        reader.copyUnknownComprehensionRequired(new int[UnknownAttributes.MAX_REPORTED]);
        reader.verifyFingerprint();
        reader.verifyMessageIntegrity(KEY);
    }
}
