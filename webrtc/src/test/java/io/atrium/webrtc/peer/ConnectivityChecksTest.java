package io.atrium.webrtc.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.ice.IceCredentials;
import io.atrium.webrtc.ice.IceLiteAgent;
import io.atrium.webrtc.ice.IceLiteConfig;
import io.atrium.webrtc.ice.IceLiteListener;
import io.atrium.webrtc.ice.IceState;
import io.atrium.webrtc.stun.ErrorCode;
import io.atrium.webrtc.stun.StunAttributeType;
import io.atrium.webrtc.stun.StunMessage;
import io.atrium.webrtc.stun.StunReader;
import io.atrium.webrtc.stun.StunWriter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The controlling checks against the real {@link IceLiteAgent}, in memory. */
class ConnectivityChecksTest {
    static final SecureRandom RANDOM = new SecureRandom();
    static final InetSocketAddress SERVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);
    static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);

    final IceCredentials client = IceCredentials.generate(RANDOM);
    final IceCredentials server = IceCredentials.generate(RANDOM);
    final IceLiteAgent agent = new IceLiteAgent(server, client.ufrag(), IceLiteConfig.DEFAULT, () -> 0,
            IceLiteListener.NONE);
    final ConnectivityChecks checks = new ConnectivityChecks(client, server.ufrag(), server.password(), SERVER,
            RANDOM);
    final byte[] request = new byte[ConnectivityChecks.BUFFER_LENGTH];
    final byte[] response = new byte[ConnectivityChecks.BUFFER_LENGTH];

    @Test
    void nominatingRequestCarriesTheRfc8445AttributesAndTheLiteAgentAcceptsIt() {
        int n = checks.writeRequest(request, true);

        StunReader reader = new StunReader();
        assertThat(reader.parse(request, 0, n)).isTrue();
        assertThat(reader.messageType()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(reader.username()).isEqualTo(server.ufrag() + ":" + client.ufrag());
        assertThat(reader.priority()).isEqualTo((110L << 24) + (65535L << 8) + 255);
        assertThat(reader.iceControlling()).isEqualTo(checks.tieBreaker());
        assertThat(reader.has(StunAttributeType.ICE_CONTROLLED)).isFalse();
        assertThat(reader.useCandidate()).isTrue();
        assertThat(reader.verifyMessageIntegrity(utf8(server.password()))).isTrue();
        assertThat(reader.verifyFingerprint()).isTrue();

        int m = agent.handle(request, 0, n, CLIENT, response);
        assertThat(agent.state()).isEqualTo(IceState.CONNECTED);
        assertThat(agent.selectedAddress()).isEqualTo(CLIENT);
        assertThat(checks.handle(response, 0, m, new byte[256])).isEqualTo(ConnectivityChecks.ACCEPTED);
        assertThat(checks.lastSuccessNanos()).isPositive();
    }

    @Test
    void consentRequestDoesNotNominateButRenewsTheLiteAgentsConsent() {
        checks.writeRequest(request, true);
        agent.handle(request, 0, checks.writeRequest(request, true), CLIENT, response);
        int n = checks.writeRequest(request, false);
        StunReader reader = new StunReader();
        assertThat(reader.parse(request, 0, n)).isTrue();
        assertThat(reader.useCandidate()).isFalse();
        int m = agent.handle(request, 0, n, CLIENT, response);
        assertThat(checks.handle(response, 0, m, new byte[256])).isEqualTo(ConnectivityChecks.ACCEPTED);
        assertThat(agent.successResponses()).isEqualTo(2);
    }

    @Test
    void wrongPasswordGetsA401WhichIsRememberedButNotAccepted() {
        ConnectivityChecks wrong = new ConnectivityChecks(client, server.ufrag(),
                IceCredentials.generate(RANDOM).password(), SERVER, RANDOM);
        int n = wrong.writeRequest(request, true);
        int m = agent.handle(request, 0, n, CLIENT, response);
        assertThat(wrong.handle(response, 0, m, new byte[256])).isEqualTo(ConnectivityChecks.NOTHING);
        assertThat(wrong.lastErrorCode()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(wrong.lastSuccessNanos()).isZero();
        assertThat(agent.state()).isEqualTo(IceState.NEW);
    }

    static Stream<Arguments> tamperedResponses() {
        return Stream.of(
                Arguments.of("flipped MESSAGE-INTEGRITY byte (fingerprint recomputed)",
                        (UnaryOperator<Fixture>) f -> f.resign(f.serverKey(), true)),
                Arguments.of("signed with the client's own password", (UnaryOperator<Fixture>) f -> f.resign(
                        f.clientKey(), false)),
                Arguments.of("another transaction id", (UnaryOperator<Fixture>) f -> f.withTransaction(new byte[12])),
                Arguments.of("no MESSAGE-INTEGRITY", (UnaryOperator<Fixture>) f -> f.resign(null, false)),
                Arguments.of("FINGERPRINT wrong", (UnaryOperator<Fixture>) f -> f.flip(f.length - 1)),
                Arguments.of("truncated by 4 bytes", (UnaryOperator<Fixture>) f -> f.truncate(4)),
                Arguments.of("truncated to the header", (UnaryOperator<Fixture>) f -> f.truncate(f.length - 20)),
                Arguments.of("an older transaction after a new request",
                        (UnaryOperator<Fixture>) f -> f.newRequestFirst()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperedResponses")
    void tamperedSuccessResponsesAreDropped(String name, UnaryOperator<Fixture> tamper) {
        Fixture f = tamper.apply(new Fixture());
        assertThat(checks.handle(f.bytes, 0, f.length, new byte[256])).isEqualTo(ConnectivityChecks.NOTHING);
        assertThat(checks.dropped()).isEqualTo(1);
        assertThat(checks.lastSuccessNanos()).isZero();
    }

    /** A genuine success response from the lite agent to the latest request, and ways to spoil it. */
    final class Fixture {
        byte[] bytes;
        int length;

        Fixture() {
            int n = checks.writeRequest(request, true);
            length = agent.handle(request, 0, n, CLIENT, response);
            bytes = Arrays.copyOf(response, 256);
        }

        byte[] serverKey() {
            return utf8(server.password());
        }

        byte[] clientKey() {
            return utf8(client.password());
        }

        /** Rewrites the response with XOR-MAPPED-ADDRESS, then MESSAGE-INTEGRITY with {@code key} (if any). */
        Fixture resign(byte[] key, boolean corruptMac) {
            byte[] tx = Arrays.copyOfRange(bytes, 8, 20);
            StunWriter w = new StunWriter().start(bytes, 0, StunMessage.BINDING_SUCCESS_RESPONSE, tx, 0)
                    .addXorMappedAddress(CLIENT);
            if (key != null) {
                w.addMessageIntegrity(key);
                if (corruptMac) {
                    bytes[w.length() - 1] ^= 1;
                }
            }
            length = w.addFingerprint().length();
            return this;
        }

        Fixture withTransaction(byte[] tx) {
            length = new StunWriter().start(bytes, 0, StunMessage.BINDING_SUCCESS_RESPONSE, tx, 0)
                    .addXorMappedAddress(CLIENT).addMessageIntegrity(serverKey()).addFingerprint().length();
            return this;
        }

        Fixture flip(int index) {
            bytes[index] ^= 1;
            return this;
        }

        Fixture truncate(int by) {
            length -= by;
            return this;
        }

        Fixture newRequestFirst() {
            checks.writeRequest(request, true);
            return this;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
