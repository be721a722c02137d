package io.atrium.webrtc.peer;

import io.atrium.webrtc.ice.CandidatePriority;
import io.atrium.webrtc.ice.IceCredentials;
import io.atrium.webrtc.stun.ErrorCode;
import io.atrium.webrtc.stun.StunAttributeType;
import io.atrium.webrtc.stun.StunMessage;
import io.atrium.webrtc.stun.StunReader;
import io.atrium.webrtc.stun.StunWriter;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The STUN side of a full ICE agent with one candidate pair (RFC 8445 sections 7.2 and 7.3, RFC 7675 for
 * consent), on short-term credentials (RFC 8489 section 9.1), in either {@link IceRole}.
 *
 * <p>Checks we send: a Binding request with
 * <pre>
 *   USERNAME          remoteUfrag:localUfrag               (RFC 8445 section 7.2.2)
 *   PRIORITY          peer-reflexive priority of our side  (section 7.1.1)
 *   ICE-CONTROLLING   our random 64-bit tie-breaker        (section 7.1.3), when controlling
 *     or ICE-CONTROLLED the same tie-breaker, when controlled
 *   USE-CANDIDATE     controlling, nominating checks only  (section 8.1.1, aggressive nomination)
 *   MESSAGE-INTEGRITY keyed with the REMOTE password
 *   FINGERPRINT
 * </pre>
 * A success response counts only if it carries the transaction id of the latest request and verifies
 * with FINGERPRINT and MESSAGE-INTEGRITY (remote password); the caller has already checked that it came
 * from the remote candidate (section 7.2.5.2.1). An authenticated 487 (Role Conflict) to the latest request
 * switches our role (section 7.2.5.1) and the caller resends a fresh request. Requests from the remote agent
 * (an ICE-lite server sends none; a full agent such as Janus does) are answered when USERNAME is
 * {@code localUfrag:remoteUfrag} and MESSAGE-INTEGRITY verifies with the LOCAL password; a request claiming
 * our own role is resolved by the tie-breakers (section 7.3.1.1): 487, or we switch and answer. When
 * controlled, the pair is complete once our check succeeded and the remote agent nominated it with
 * USE-CANDIDATE (section 7.3.1.5). Anything else is dropped. Thread-safe (every method is synchronized).
 */
final class ConnectivityChecks {
    /** Value returned by {@link #handle} for a valid success response to the latest request. */
    static final int ACCEPTED = 0;
    /** Value returned by {@link #handle} when the datagram needs no answer. */
    static final int NOTHING = -1;
    /** Value returned by {@link #handle} after a 487 switched our role: send a fresh request now. */
    static final int ROLE_SWITCHED = -2;
    /** Buffer size for requests and responses: the largest we write is under 160 bytes. */
    static final int BUFFER_LENGTH = 256;
    /** Our PRIORITY: a peer-reflexive candidate of component 1 (RFC 8445 section 7.1.1). */
    static final long PRIORITY = CandidatePriority.compute(CandidatePriority.TYPE_PREFERENCE_PEER_REFLEXIVE,
            CandidatePriority.MAX_LOCAL_PREFERENCE, CandidatePriority.MIN_COMPONENT);

    private final StunWriter writer = new StunWriter();
    private final StunReader reader = new StunReader();
    private final byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
    private final byte[] outgoingUsername;
    private final byte[] incomingUsername;
    private final byte[] remoteKey;
    private final byte[] localKey;
    private final byte[] remoteIp;
    private final int remotePort;
    private final long tieBreaker;
    private final SecureRandom random;

    private IceRole role;
    private boolean succeeded;
    private boolean nominatedByRemote;
    private int roleSwitches;
    private long lastSuccessNanos;
    private int lastErrorCode = -1;
    private long dropped;

    /** Controlling checks, as toward an ICE-lite server. */
    ConnectivityChecks(IceCredentials local, String remoteUfrag, String remotePassword, InetSocketAddress remote,
                       SecureRandom random) {
        this(local, remoteUfrag, remotePassword, remote, random, IceRole.CONTROLLING);
    }

    ConnectivityChecks(IceCredentials local, String remoteUfrag, String remotePassword, InetSocketAddress remote,
                       SecureRandom random, IceRole role) {
        this.role = role;
        this.outgoingUsername = (remoteUfrag + ':' + local.ufrag()).getBytes(StandardCharsets.UTF_8);
        this.incomingUsername = (local.ufrag() + ':' + remoteUfrag).getBytes(StandardCharsets.UTF_8);
        this.remoteKey = remotePassword.getBytes(StandardCharsets.UTF_8);
        this.localKey = local.password().getBytes(StandardCharsets.UTF_8);
        this.remoteIp = remote.getAddress().getAddress();
        this.remotePort = remote.getPort();
        this.random = random;
        this.tieBreaker = random.nextLong();
    }

    /**
     * Writes a new Binding request (fresh transaction id, which becomes the one responses must match) at
     * {@code out[0]}; resend the same bytes to retransmit it (RFC 8489 section 6.2.1).
     *
     * @param nominate add USE-CANDIDATE (connectivity checks); false for consent checks (RFC 7675)
     * @return the request length
     */
    synchronized int writeRequest(byte[] out, boolean nominate) {
        random.nextBytes(transactionId);
        writer.start(out, 0, StunMessage.BINDING_REQUEST, transactionId, 0)
                .addUsername(outgoingUsername, 0, outgoingUsername.length)
                .addPriority(PRIORITY);
        if (role == IceRole.CONTROLLING) {
            writer.addIceControlling(tieBreaker);
            if (nominate) {
                writer.addUseCandidate();
            }
        } else {
            writer.addIceControlled(tieBreaker);
        }
        return writer.addMessageIntegrity(remoteKey).addFingerprint().length();
    }

    /**
     * Handles a STUN datagram from the remote candidate.
     *
     * @return {@link #ACCEPTED} for a valid success response to the latest request, a positive length of a
     *     response written at {@code out[0]} to send back, {@link #ROLE_SWITCHED}, or {@link #NOTHING}
     */
    synchronized int handle(byte[] buf, int off, int len, byte[] out) {
        if (!reader.parse(buf, off, len) || !reader.verifyFingerprint()) {
            dropped++;
            return NOTHING;
        }
        return switch (reader.messageType()) {
            case StunMessage.BINDING_SUCCESS_RESPONSE -> acceptResponse();
            case StunMessage.BINDING_ERROR_RESPONSE -> noteError();
            case StunMessage.BINDING_REQUEST -> answer(out);
            default -> NOTHING;
        };
    }

    private int acceptResponse() {
        if (!isLatestTransaction() || !reader.verifyMessageIntegrity(remoteKey)) {
            dropped++;
            return NOTHING;
        }
        lastSuccessNanos = System.nanoTime();
        succeeded = true;
        return ACCEPTED;
    }

    private int noteError() {
        // unauthenticated (401 has no MESSAGE-INTEGRITY): kept only to explain a failed connect
        if (isLatestTransaction()) {
            lastErrorCode = reader.errorCode();
            if (lastErrorCode == ErrorCode.ROLE_CONFLICT && reader.verifyMessageIntegrity(remoteKey)) {
                // RFC 8445 section 7.2.5.1: switch to the role opposite to the one in our request
                switchRole();
                return ROLE_SWITCHED;
            }
        } else {
            dropped++;
        }
        return NOTHING;
    }

    private int answer(byte[] out) {
        if (!reader.usernameEquals(incomingUsername) || !reader.verifyMessageIntegrity(localKey)) {
            dropped++;
            return NOTHING;
        }
        // RFC 8445 section 7.3.1.1: the larger tie-breaker (unsigned) keeps or takes control
        if (role == IceRole.CONTROLLING && reader.has(StunAttributeType.ICE_CONTROLLING)) {
            if (Long.compareUnsigned(tieBreaker, reader.iceControlling()) >= 0) {
                return roleConflict(out);
            }
            switchRole();
        } else if (role == IceRole.CONTROLLED && reader.has(StunAttributeType.ICE_CONTROLLED)) {
            if (Long.compareUnsigned(tieBreaker, reader.iceControlled()) < 0) {
                return roleConflict(out);
            }
            switchRole();
        }
        if (role == IceRole.CONTROLLED && reader.useCandidate()) {
            nominatedByRemote = true;
        }
        return writer.start(out, 0, StunMessage.BINDING_SUCCESS_RESPONSE, reader.buffer(),
                        reader.transactionIdOffset())
                .addXorMappedAddress(remoteIp, remotePort)
                .addMessageIntegrity(localKey)
                .addFingerprint()
                .length();
    }

    private int roleConflict(byte[] out) {
        return writer.start(out, 0, StunMessage.BINDING_ERROR_RESPONSE, reader.buffer(), reader.transactionIdOffset())
                .addErrorCode(ErrorCode.ROLE_CONFLICT)
                .addMessageIntegrity(localKey)
                .addFingerprint()
                .length();
    }

    private void switchRole() {
        role = role == IceRole.CONTROLLING ? IceRole.CONTROLLED : IceRole.CONTROLLING;
        roleSwitches++;
    }

    /**
     * True when the pair may carry DTLS: controlling, a check (with USE-CANDIDATE) succeeded; controlled, a
     * check succeeded and the remote agent nominated the pair.
     */
    synchronized boolean isComplete() {
        return succeeded && (role == IceRole.CONTROLLING || nominatedByRemote);
    }

    /** Our current role. */
    synchronized IceRole role() {
        return role;
    }

    /** How often a role conflict switched our role. */
    synchronized int roleSwitches() {
        return roleSwitches;
    }

    private boolean isLatestTransaction() {
        int from = reader.transactionIdOffset();
        return Arrays.equals(reader.buffer(), from, from + StunMessage.TRANSACTION_ID_LENGTH,
                transactionId, 0, StunMessage.TRANSACTION_ID_LENGTH);
    }

    /** System.nanoTime of the last accepted success response, 0 if none. */
    synchronized long lastSuccessNanos() {
        return lastSuccessNanos;
    }

    /** ERROR-CODE of the last error response to our latest request, -1 if none. */
    synchronized int lastErrorCode() {
        return lastErrorCode;
    }

    /** STUN datagrams dropped: invalid, unauthenticated, or answering another transaction. */
    synchronized long dropped() {
        return dropped;
    }

    /** Our ICE-CONTROLLING tie-breaker. */
    long tieBreaker() {
        return tieBreaker;
    }
}
