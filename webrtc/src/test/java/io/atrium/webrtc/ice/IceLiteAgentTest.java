package io.atrium.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atrium.webrtc.stun.ErrorCode;
import io.atrium.webrtc.stun.StunAttributeType;
import io.atrium.webrtc.stun.StunMessage;
import io.atrium.webrtc.stun.StunReader;
import io.atrium.webrtc.stun.StunWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ICE-lite agent answering checks a "remote" controlling agent builds with {@link StunWriter}. */
class IceLiteAgentTest {
    static final IceCredentials LOCAL = new IceCredentials("LoCaL123", "localPasswordLocalPassword");
    static final String REMOTE_UFRAG = "ReMo";
    static final InetSocketAddress PEER = address("127.0.0.1", 50000);
    static final InetSocketAddress PEER_MOVED = address("127.0.0.1", 50002);

    private final StunWriter remote = new StunWriter();
    private final StunReader responses = new StunReader();
    private final byte[] out = new byte[IceLiteAgent.MIN_RESPONSE_BUFFER];
    private final List<String> events = new ArrayList<>();
    private final long[] now = {1_000};
    private final IceLiteListener listener = new IceLiteListener() {
        @Override
        public void onStateChange(IceState previous, IceState current) {
            events.add(previous + "->" + current);
        }

        @Override
        public void onSelectedAddressChange(InetSocketAddress previous, InetSocketAddress current) {
            events.add("selected " + previous + "->" + current);
        }
    };
    private IceLiteAgent agent = newAgent(REMOTE_UFRAG, IceLiteConfig.DEFAULT);
    private byte txSeed;

    private IceLiteAgent newAgent(String remoteUfrag, IceLiteConfig config) {
        return new IceLiteAgent(LOCAL, remoteUfrag, config, () -> now[0], listener);
    }

    /** What the controlling peer's check looks like; the flags leave out or add single attributes. */
    private final class Check {
        String username = LOCAL.ufrag() + ":" + REMOTE_UFRAG;
        String password = LOCAL.password();
        boolean useCandidate;
        boolean integrity = true;
        boolean fingerprint = true;
        boolean controlled;
        long priority = 1845501695L;
        int extraType = -1;
        int type = StunMessage.BINDING_REQUEST;
        final byte[] tx = new byte[12];

        int write(byte[] buf) {
            tx[0] = ++txSeed;
            remote.start(buf, 0, type, tx, 0);
            if (username != null) {
                byte[] u = username.getBytes(StandardCharsets.UTF_8);
                remote.addUsername(u, 0, u.length);
            }
            remote.addPriority(priority);
            if (controlled) {
                remote.addIceControlled(42);
            } else {
                remote.addIceControlling(42);
            }
            if (useCandidate) {
                remote.addUseCandidate();
            }
            if (extraType >= 0) {
                remote.addAttribute(extraType, new byte[4], 0, 4);
            }
            if (integrity) {
                remote.addMessageIntegrity(password.getBytes(StandardCharsets.UTF_8));
            }
            if (fingerprint) {
                remote.addFingerprint();
            }
            return remote.length();
        }

        int send(InetSocketAddress from) {
            byte[] buf = new byte[256];
            int len = write(buf);
            int n = agent.handle(buf, 0, len, from, out);
            if (n > 0) {
                assertThat(responses.parse(out, 0, n)).isTrue();
                assertThat(responses.verifyFingerprint()).isTrue();
                assertThat(responses.buffer()).isSameAs(out);
                byte[] responseTx = new byte[12];
                responses.copyTransactionId(responseTx, 0);
                assertThat(responseTx).isEqualTo(tx);
            }
            return n;
        }
    }

    private Check check() {
        return new Check();
    }

    private Check nomination() {
        Check c = new Check();
        c.useCandidate = true;
        return c;
    }

    private Check nomination(long priority) {
        Check c = nomination();
        c.priority = priority;
        return c;
    }

    @Test
    void answersAValidCheckWithAnAuthenticatedSuccessResponse() {
        assertThat(check().send(PEER)).isPositive();
        assertThat(responses.messageType()).isEqualTo(StunMessage.BINDING_SUCCESS_RESPONSE);
        assertThat(responses.xorMappedAddress()).isEqualTo(PEER);
        assertThat(responses.verifyMessageIntegrity(LOCAL.password().getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(responses.verifyMessageIntegrity("someone-elses-password".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(agent.isValidated(PEER)).isTrue();
        assertThat(agent.isValidated(PEER_MOVED)).isFalse();
        assertThat(agent.state()).isEqualTo(IceState.NEW);
        assertThat(agent.selectedAddress()).isNull();
        assertThat(agent.successResponses()).isEqualTo(1);
        assertThat(events).isEmpty();
    }

    @Test
    void ipv6SourceGetsAnIpv6MappedAddress() {
        InetSocketAddress v6 = address("::1", 40000);
        assertThat(check().send(v6)).isPositive();
        assertThat(responses.xorMappedAddress()).isEqualTo(v6);
        assertThat(check().send(PEER)).isPositive();
        assertThat(responses.xorMappedAddress()).isEqualTo(PEER);
    }

    @Test
    void useCandidateNominatesAndConnects() {
        assertThat(nomination().send(PEER)).isPositive();
        assertThat(agent.state()).isEqualTo(IceState.CONNECTED);
        assertThat(agent.selectedAddress()).isEqualTo(PEER);
        assertThat(agent.selectedPriority()).isEqualTo(1845501695L);
        assertThat(events).containsExactly("selected null->" + PEER, "NEW->CONNECTED");

        assertThat(nomination().send(address("127.0.0.1", 50000))).isPositive();
        assertThat(events).as("renominating the same address reports nothing").hasSize(2);
    }

    @Test
    void aNewNominationFromAnotherAddressMovesTheSelection() {
        nomination().send(PEER);
        check().send(PEER_MOVED);
        assertThat(agent.selectedAddress()).as("a plain check does not move the selection").isEqualTo(PEER);

        assertThat(nomination().send(PEER_MOVED)).isPositive();
        assertThat(agent.selectedAddress()).isEqualTo(PEER_MOVED);
        assertThat(agent.state()).isEqualTo(IceState.CONNECTED);
        assertThat(events).containsExactly("selected null->" + PEER, "NEW->CONNECTED",
                "selected " + PEER + "->" + PEER_MOVED);
        assertThat(agent.isValidated(PEER)).isTrue();
    }

    /**
     * Issue 22, Firefox: nICEr nominates aggressively, so every check carries USE-CANDIDATE; it uses the
     * highest-priority pair that succeeded and sends its consent checks and media only there. A lower-priority
     * nomination arriving later must not take the selection (media and RTCP would go where Firefox no longer
     * listens, and consent, counted on the selected pair only, would expire 30 s after connecting).
     */
    @Test
    void aggressiveNominationKeepsTheHighestPriorityPairAndItsConsent() {
        nomination(2_122_252_543L).send(PEER); // t = 1000: Firefox's best pair
        now[0] = 1_050;
        assertThat(nomination(2_122_187_007L).send(PEER_MOVED)).as("the check is still answered").isPositive();
        assertThat(agent.selectedAddress()).isEqualTo(PEER);
        assertThat(agent.selectedPriority()).isEqualTo(2_122_252_543L);
        assertThat(agent.isValidated(PEER_MOVED)).isTrue();
        for (long t = 5_000; t <= 46_000; t += 5_000) { // RFC 7675 checks, no USE-CANDIDATE, on the pair in use
            now[0] = t;
            assertThat(check().send(PEER)).isPositive();
            agent.refreshConsent(PEER); // and media from it
            assertThat(agent.checkConsent(t + 900)).isEqualTo(IceState.CONNECTED);
        }
        assertThat(agent.consentExpired(46_900)).isFalse();
        assertThat(events).containsExactly("selected null->" + PEER, "NEW->CONNECTED");
    }

    @Test
    void aHigherPriorityNominationMovesTheSelectionAtOnce() {
        nomination(2_122_187_007L).send(PEER_MOVED);
        now[0] = 1_020;
        nomination(2_122_252_543L).send(PEER);
        assertThat(agent.selectedAddress()).isEqualTo(PEER);
        assertThat(agent.selectedPriority()).isEqualTo(2_122_252_543L);
        assertThat(events).containsExactly("selected null->" + PEER_MOVED, "NEW->CONNECTED",
                "selected " + PEER_MOVED + "->" + PEER);
    }

    /** A peer that moved to a lower-priority pair (libwebrtc after a network change) is followed once the old one is silent. */
    @Test
    void aLowerPriorityNominationMovesTheSelectionOnceTheSelectedPairIsSilent() {
        nomination(2_122_252_543L).send(PEER); // t = 1000
        now[0] = 3_000;
        nomination(1_686_052_607L).send(PEER_MOVED);
        assertThat(agent.selectedAddress()).as("the selected pair had consent 2 s ago").isEqualTo(PEER);
        now[0] = 5_999;
        nomination(1_686_052_607L).send(PEER_MOVED);
        assertThat(agent.selectedAddress()).isEqualTo(PEER);
        now[0] = 6_000; // 5 s (the disconnected timeout) without consent on the selected pair
        nomination(1_686_052_607L).send(PEER_MOVED);
        assertThat(agent.selectedAddress()).isEqualTo(PEER_MOVED);
        assertThat(agent.selectedPriority()).isEqualTo(1_686_052_607L);
        assertThat(agent.lastConsentMillis()).isEqualTo(6_000);
        assertThat(events).containsExactly("selected null->" + PEER, "NEW->CONNECTED",
                "selected " + PEER + "->" + PEER_MOVED);
    }

    @Test
    void wrongPasswordGets401AndChangesNothing() {
        Check c = nomination();
        c.password = "not-the-local-password-at-all";
        assertThat(c.send(PEER)).isPositive();
        assertThat(responses.messageType()).isEqualTo(StunMessage.BINDING_ERROR_RESPONSE);
        assertThat(responses.errorCode()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(responses.hasMessageIntegrity()).isFalse();
        assertThat(agent.state()).isEqualTo(IceState.NEW);
        assertThat(agent.selectedAddress()).isNull();
        assertThat(agent.isValidated(PEER)).isFalse();
        assertThat(agent.errorResponses()).isEqualTo(1);
        assertThat(events).isEmpty();
    }

    @Test
    void wrongPasswordCannotStealTheSelection() {
        nomination().send(PEER);
        Check c = nomination();
        c.password = "not-the-local-password-at-all";
        c.send(PEER_MOVED);
        assertThat(responses.errorCode()).isEqualTo(401);
        assertThat(agent.selectedAddress()).isEqualTo(PEER);
    }

    @Test
    void foreignUsernameGets401() {
        for (String username : new String[] {"Other123:ReMo", "LoCaL123:Other", "LoCaL123", "LoCaL123:ReMoX"}) {
            Check c = nomination();
            c.username = username;
            assertThat(c.send(PEER)).as(username).isPositive();
            assertThat(responses.errorCode()).as(username).isEqualTo(401);
        }
        assertThat(agent.state()).isEqualTo(IceState.NEW);
    }

    @Test
    void unknownRemoteUfragAcceptsAnyRemotePartButStillChecksOurs() {
        agent = newAgent(null, IceLiteConfig.DEFAULT);
        Check c = nomination();
        c.username = LOCAL.ufrag() + ":whatever";
        assertThat(c.send(PEER)).isPositive();
        assertThat(responses.messageType()).isEqualTo(StunMessage.BINDING_SUCCESS_RESPONSE);
        Check foreign = check();
        foreign.username = "Other123:whatever";
        foreign.send(PEER);
        assertThat(responses.errorCode()).isEqualTo(401);
    }

    @Test
    void missingUsernameOrIntegrityGets400() {
        Check noUsername = nomination();
        noUsername.username = null;
        assertThat(noUsername.send(PEER)).isPositive();
        assertThat(responses.errorCode()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(responses.errorReason()).isEqualTo("Bad Request");
        assertThat(responses.hasMessageIntegrity()).isFalse();

        Check noIntegrity = nomination();
        noIntegrity.integrity = false;
        assertThat(noIntegrity.send(PEER)).isPositive();
        assertThat(responses.errorCode()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(agent.state()).isEqualTo(IceState.NEW);
        assertThat(agent.errorResponses()).isEqualTo(2);
    }

    @Test
    void iceControlledPeerGets487AndNoNomination() {
        Check c = nomination();
        c.controlled = true;
        assertThat(c.send(PEER)).isPositive();
        assertThat(responses.errorCode()).isEqualTo(ErrorCode.ROLE_CONFLICT);
        assertThat(responses.verifyMessageIntegrity(LOCAL.password().getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(agent.state()).isEqualTo(IceState.NEW);
    }

    @Test
    void unknownComprehensionRequiredAttributeGets420ListingIt() {
        Check c = nomination();
        c.extraType = 0x0077;
        assertThat(c.send(PEER)).isPositive();
        assertThat(responses.errorCode()).isEqualTo(ErrorCode.UNKNOWN_ATTRIBUTE);
        int i = responses.indexOf(StunAttributeType.UNKNOWN_ATTRIBUTES);
        assertThat(i).isNotNegative();
        assertThat(responses.valueLength(i)).isEqualTo(2);
        assertThat(out[responses.valueOffset(i) + 1]).isEqualTo((byte) 0x77);
        assertThat(responses.verifyMessageIntegrity(LOCAL.password().getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(agent.state()).isEqualTo(IceState.NEW);

        Check optional = nomination();
        optional.extraType = 0xC057; // comprehension-optional (e.g. GOOG-NETWORK-INFO) is fine
        optional.send(PEER);
        assertThat(responses.messageType()).isEqualTo(StunMessage.BINDING_SUCCESS_RESPONSE);
    }

    @Test
    void dropsWhatIsNotAnAuthenticatableBindingRequest() {
        byte[] buf = new byte[256];
        assertThat(agent.handle(new byte[] {0x16, (byte) 0xfe, (byte) 0xfd, 0, 0}, 0, 5, PEER, out))
                .as("DTLS record").isEqualTo(-1);
        Check noFingerprint = nomination();
        noFingerprint.fingerprint = false;
        int len = noFingerprint.write(buf);
        assertThat(agent.handle(buf, 0, len, PEER, out)).as("no FINGERPRINT").isEqualTo(-1);

        len = nomination().write(buf);
        buf[len - 1] ^= 1;
        assertThat(agent.handle(buf, 0, len, PEER, out)).as("bad FINGERPRINT").isEqualTo(-1);
        assertThat(agent.dropped()).isEqualTo(3);

        Check indication = check();
        indication.type = StunMessage.BINDING_INDICATION;
        assertThat(indication.send(PEER)).as("Binding indication").isEqualTo(-1);
        Check response = check();
        response.type = StunMessage.BINDING_SUCCESS_RESPONSE;
        assertThat(response.send(PEER)).as("stray response").isEqualTo(-1);
        assertThat(agent.ignored()).isEqualTo(2);
        assertThat(agent.state()).isEqualTo(IceState.NEW);
        assertThat(events).isEmpty();
    }

    @Test
    void consentExpiresWithoutChecksFromTheSelectedAddress() {
        assertThat(agent.consentExpired(1_000_000)).as("nothing to expire before nomination").isFalse();
        assertThat(agent.checkConsent(1_000_000)).isEqualTo(IceState.NEW);

        nomination().send(PEER); // t = 1000
        assertThat(agent.lastConsentMillis()).isEqualTo(1_000);
        assertThat(agent.checkConsent(5_999)).isEqualTo(IceState.CONNECTED);
        assertThat(agent.checkConsent(6_000)).isEqualTo(IceState.DISCONNECTED);

        now[0] = 7_000;
        check().send(PEER);
        assertThat(agent.state()).as("a plain check from the selected address is consent").isEqualTo(IceState.CONNECTED);

        now[0] = 20_000;
        check().send(PEER_MOVED);
        assertThat(agent.lastConsentMillis()).as("checks from other addresses are not consent").isEqualTo(7_000);

        assertThat(agent.consentExpired(36_999)).isFalse();
        assertThat(agent.consentExpired(37_000)).isTrue();
        assertThat(agent.state()).as("consentExpired has no side effect").isEqualTo(IceState.CONNECTED);
        assertThat(agent.checkConsent(37_000)).isEqualTo(IceState.FAILED);
        assertThat(events).containsExactly("selected null->" + PEER, "NEW->CONNECTED", "CONNECTED->DISCONNECTED",
                "DISCONNECTED->CONNECTED", "CONNECTED->FAILED");

        now[0] = 38_000;
        assertThat(nomination().send(PEER)).as("a failed agent answers nothing").isEqualTo(-1);
        assertThat(agent.state()).isEqualTo(IceState.FAILED);
        assertThat(agent.consentExpired(38_000)).isTrue();
    }

    /** Issue 22: libnice (GStreamer) sends media and Binding indications but no more Binding requests. */
    @Test
    void indicationsAndAuthenticatedMediaFromTheSelectedAddressRenewConsent() {
        agent = newAgent(REMOTE_UFRAG, new IceLiteConfig(3_000, 1_000));
        agent.refreshConsent(PEER);
        assertThat(agent.state()).as("nothing to renew before nomination").isEqualTo(IceState.NEW);
        nomination().send(PEER); // t = 1000
        Check indication = check();
        indication.type = StunMessage.BINDING_INDICATION;
        indication.username = null;
        indication.integrity = false;
        for (long t = 2_000; t <= 10_000; t += 2_000) {
            now[0] = t;
            assertThat(indication.send(PEER)).as("an indication is never answered").isEqualTo(-1);
            assertThat(agent.checkConsent(t + 900)).isEqualTo(IceState.CONNECTED);
        }
        now[0] = 12_000;
        agent.refreshConsent(PEER_MOVED);
        indication.send(PEER_MOVED);
        assertThat(agent.lastConsentMillis()).as("only the selected address renews consent").isEqualTo(10_000);
        assertThat(agent.checkConsent(12_000)).isEqualTo(IceState.DISCONNECTED);
        agent.refreshConsent(PEER); // an SRTP packet that passed authentication
        assertThat(agent.state()).isEqualTo(IceState.CONNECTED);
        assertThat(agent.lastConsentMillis()).isEqualTo(12_000);
        assertThat(agent.checkConsent(15_000)).as("silence still ends it").isEqualTo(IceState.FAILED);
        now[0] = 15_500;
        agent.refreshConsent(PEER);
        assertThat(agent.state()).as("a failed agent stays failed").isEqualTo(IceState.FAILED);
    }

    @Test
    void consentTimeoutsAreConfigurable() {
        agent = newAgent(REMOTE_UFRAG, new IceLiteConfig(3_000, 1_000));
        nomination().send(PEER);
        assertThat(agent.checkConsent(1_999)).isEqualTo(IceState.CONNECTED);
        assertThat(agent.checkConsent(2_000)).isEqualTo(IceState.DISCONNECTED);
        assertThat(agent.checkConsent(4_000)).isEqualTo(IceState.FAILED);
    }

    @Test
    void configAndArgumentsAreValidated() {
        assertThatThrownBy(() -> new IceLiteConfig(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IceLiteConfig(1_000, 2_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> newAgent("bad ufrag!", IceLiteConfig.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] buf = new byte[256];
        int len = check().write(buf);
        assertThatThrownBy(() -> agent.handle(buf, 0, len, PEER, new byte[64]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> agent.handle(buf, 0, len, InetSocketAddress.createUnresolved("peer", 1), out))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
