package io.atrium.webrtc.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.ice.IceCredentials;
import io.atrium.webrtc.stun.ErrorCode;
import io.atrium.webrtc.stun.StunMessage;
import io.atrium.webrtc.stun.StunReader;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Two full agents' checks against each other, in memory: controlled completion waits for the remote
 * nomination, and a role conflict (RFC 8445 section 7.3.1.1) leaves exactly one side controlling.
 */
class IceRoleConflictTest {
    static final SecureRandom RANDOM = new SecureRandom();
    static final InetSocketAddress A_ADDR = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    static final InetSocketAddress B_ADDR = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40001);

    final IceCredentials aCred = IceCredentials.generate(RANDOM);
    final IceCredentials bCred = IceCredentials.generate(RANDOM);
    final byte[] request = new byte[ConnectivityChecks.BUFFER_LENGTH];
    final byte[] response = new byte[ConnectivityChecks.BUFFER_LENGTH];
    final byte[] ignored = new byte[ConnectivityChecks.BUFFER_LENGTH];

    ConnectivityChecks a(IceRole role) {
        return new ConnectivityChecks(aCred, bCred.ufrag(), bCred.password(), B_ADDR, RANDOM, role);
    }

    ConnectivityChecks b(IceRole role) {
        return new ConnectivityChecks(bCred, aCred.ufrag(), aCred.password(), A_ADDR, RANDOM, role);
    }

    @Test
    void controlledSideSendsIceControlledAndCompletesOnlyAfterTheRemoteNominates() {
        ConnectivityChecks a = a(IceRole.CONTROLLED);
        ConnectivityChecks b = b(IceRole.CONTROLLING);

        int n = a.writeRequest(request, true);
        StunReader reader = new StunReader();
        assertThat(reader.parse(request, 0, n)).isTrue();
        assertThat(reader.iceControlled()).isEqualTo(a.tieBreaker());
        assertThat(reader.useCandidate()).as("only the controlling agent nominates").isFalse();

        int m = b.handle(request, 0, n, response);
        assertThat(reader.parse(response, 0, m)).isTrue();
        assertThat(reader.messageType()).isEqualTo(StunMessage.BINDING_SUCCESS_RESPONSE);
        assertThat(a.handle(response, 0, m, ignored)).isEqualTo(ConnectivityChecks.ACCEPTED);
        assertThat(a.isComplete()).as("valid pair, not yet nominated").isFalse();

        int nominate = b.writeRequest(request, true);
        int answer = a.handle(request, 0, nominate, response);
        assertThat(answer).isPositive();
        assertThat(b.handle(response, 0, answer, ignored)).isEqualTo(ConnectivityChecks.ACCEPTED);
        assertThat(a.isComplete()).isTrue();
        assertThat(b.isComplete()).isTrue();
        assertThat(a.roleSwitches() + b.roleSwitches()).isZero();
    }

    @RepeatedTest(20)
    void bothControllingEndsWithExactlyOneControllingSide() {
        ConnectivityChecks a = a(IceRole.CONTROLLING);
        ConnectivityChecks b = b(IceRole.CONTROLLING);

        int n = a.writeRequest(request, true);
        int m = b.handle(request, 0, n, response);
        int result = a.handle(response, 0, m, ignored);
        StunReader reader = new StunReader();
        assertThat(reader.parse(response, 0, m)).isTrue();
        if (Long.compareUnsigned(b.tieBreaker(), a.tieBreaker()) >= 0) {
            assertThat(reader.errorCode()).isEqualTo(ErrorCode.ROLE_CONFLICT);
            assertThat(result).isEqualTo(ConnectivityChecks.ROLE_SWITCHED);
            assertThat(a.role()).isEqualTo(IceRole.CONTROLLED);
            assertThat(b.role()).isEqualTo(IceRole.CONTROLLING);
        } else {
            assertThat(reader.messageType()).isEqualTo(StunMessage.BINDING_SUCCESS_RESPONSE);
            assertThat(result).isEqualTo(ConnectivityChecks.ACCEPTED);
            assertThat(b.role()).isEqualTo(IceRole.CONTROLLED);
            assertThat(a.role()).isEqualTo(IceRole.CONTROLLING);
            assertThat(a.isComplete()).isTrue();
        }
    }

    @RepeatedTest(20)
    void bothControlledEndsWithExactlyOneControllingSide() {
        ConnectivityChecks a = a(IceRole.CONTROLLED);
        ConnectivityChecks b = b(IceRole.CONTROLLED);

        int n = a.writeRequest(request, true);
        int m = b.handle(request, 0, n, response);
        int result = a.handle(response, 0, m, ignored);
        if (Long.compareUnsigned(b.tieBreaker(), a.tieBreaker()) >= 0) {
            assertThat(result).isEqualTo(ConnectivityChecks.ACCEPTED);
            assertThat(b.role()).isEqualTo(IceRole.CONTROLLING);
            assertThat(a.role()).isEqualTo(IceRole.CONTROLLED);
        } else {
            assertThat(result).isEqualTo(ConnectivityChecks.ROLE_SWITCHED);
            assertThat(a.role()).isEqualTo(IceRole.CONTROLLING);
            assertThat(b.role()).isEqualTo(IceRole.CONTROLLED);
        }
    }

    @Test
    void unauthenticatedRoleConflictIsIgnored() {
        ConnectivityChecks a = a(IceRole.CONTROLLING);
        int n = a.writeRequest(request, true);
        StunReader reader = new StunReader();
        reader.parse(request, 0, n);
        int m = new io.atrium.webrtc.stun.StunWriter().start(response, 0, StunMessage.BINDING_ERROR_RESPONSE,
                request, reader.transactionIdOffset()).addErrorCode(ErrorCode.ROLE_CONFLICT).addFingerprint().length();
        assertThat(a.handle(response, 0, m, ignored)).isEqualTo(ConnectivityChecks.NOTHING);
        assertThat(a.role()).isEqualTo(IceRole.CONTROLLING);
    }
}
