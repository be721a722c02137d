package io.atrium.webrtc.ice;

import io.atrium.webrtc.stun.ErrorCode;
import io.atrium.webrtc.stun.StunAttributeType;
import io.atrium.webrtc.stun.StunMessage;
import io.atrium.webrtc.stun.StunReader;
import io.atrium.webrtc.stun.StunWriter;
import io.atrium.webrtc.stun.UnknownAttributes;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * The controlled side of ICE-lite for one peer and one component, RFC 8445 sections 2.5, 6.1.1 and 7.3, with
 * the passive side of consent freshness, RFC 7675.
 *
 * <p>A lite agent never sends checks; it answers the peer's Binding requests. Requests are authenticated with
 * short-term credentials (RFC 8489 section 9.1): USERNAME must be {@code localUfrag:remoteUfrag} and
 * MESSAGE-INTEGRITY is keyed with the <em>local</em> password; responses are signed with the same key. The
 * remote password is therefore never needed and not taken. {@link #handle} checks, in the order of RFC 8489
 * section 6.3 and RFC 8445 section 7.3:
 *
 * <ol>
 *   <li>not valid STUN, FINGERPRINT missing or wrong, or the agent has FAILED: dropped, nothing sent;</li>
 *   <li>valid STUN but not a Binding request: nothing sent; a Binding indication (keepalive) from the selected
 *       address renews consent ({@link #refreshConsent});</li>
 *   <li>USERNAME or MESSAGE-INTEGRITY missing: 400 Bad Request;</li>
 *   <li>USERNAME not ours or MESSAGE-INTEGRITY wrong: 401 Unauthorized (no state change);</li>
 *   <li>unknown comprehension-required attributes: 420 with UNKNOWN-ATTRIBUTES;</li>
 *   <li>ICE-CONTROLLED present: 487 Role Conflict. A lite agent is always controlled and may not switch
 *       (section 6.1.1), so the peer must take the controlling role;</li>
 *   <li>otherwise a success response with XOR-MAPPED-ADDRESS. The source address becomes a validated pair;
 *       with USE-CANDIDATE it is nominated, and becomes the selected address unless that would step down
 *       from a live pair ({@link #replacesSelection}).</li>
 * </ol>
 *
 * <p>Which nomination wins. RFC 8445 §8.1.1: when the controlling agent nominates several pairs, the one with
 * the highest priority is used. Firefox (nICEr) nominates aggressively (RFC 5245 §8.1.1.2): every check it
 * sends carries USE-CANDIDATE, higher-priority pairs first, and it uses the highest-priority pair that
 * succeeded; its consent checks (RFC 7675) and media then come only from that pair, and only what arrives there
 * reaches it. Following the <em>latest</em> nomination would select a lower-priority pair Firefox never uses: media
 * and RTCP to it are lost (its encoder, without feedback, stalls) and consent, counted only on the selected
 * pair, expires 30 s after connecting. So a nomination from another address replaces the selection when its
 * PRIORITY is at least the selected one's, or when the selected pair has had no consent for
 * {@link IceLiteConfig#disconnectedTimeoutMillis()}: a peer that moved (libwebrtc nominates its new pair after a
 * network change, whatever its priority, and repeats USE-CANDIDATE on every check of it) is followed once its
 * old path is silent.
 *
 * Error responses carry FINGERPRINT; 420 and 487 also MESSAGE-INTEGRITY, 400 and 401 cannot. Every valid
 * request, Binding indication or authenticated media packet ({@link #refreshConsent}) from the selected
 * address renews consent; {@link #checkConsent} moves the state to DISCONNECTED and
 * then FAILED when requests stop. Once warm, {@link #handle} allocates only when the source address changes.
 *
 * <p>Not thread-safe: call from one thread (the peer's transport thread), with times from the same clock.
 */
public final class IceLiteAgent {
    /** Smallest response buffer {@link #handle} accepts; the largest response (a 420) is 100 bytes. */
    public static final int MIN_RESPONSE_BUFFER = 128;
    /** How many distinct validated remote addresses are remembered (oldest forgotten first). */
    public static final int MAX_VALIDATED_ADDRESSES = 8;

    private final StunReader reader = new StunReader();
    private final StunWriter writer = new StunWriter();
    private final int[] unknownTypes = new int[UnknownAttributes.MAX_REPORTED];
    private final InetSocketAddress[] validated = new InetSocketAddress[MAX_VALIDATED_ADDRESSES];
    private final IceCredentials local;
    private final String remoteUfrag;
    private final byte[] key;
    private final byte[] expectedUsername;
    private final IceLiteConfig config;
    private final LongSupplier clock;
    private final IceLiteListener listener;

    private int validatedNext;
    private InetSocketAddress cachedSource;
    private byte[] cachedSourceIp;
    private InetSocketAddress selected;
    private long selectedPriority = -1;
    private IceState state = IceState.NEW;
    private long lastConsentMillis;
    private long successResponses;
    private long errorResponses;
    private long dropped;
    private long ignored;

    /**
     * @param local this agent's credentials (offered in the SDP answer)
     * @param remoteUfrag the peer's ufrag from its SDP, or null to accept any {@code localUfrag:*} username
     * @param config timeouts
     * @param clock monotonic milliseconds, e.g. {@code () -> System.nanoTime() / 1_000_000}
     * @param listener state and selected-address callbacks
     */
    public IceLiteAgent(IceCredentials local, String remoteUfrag, IceLiteConfig config, LongSupplier clock,
            IceLiteListener listener) {
        if (local == null || config == null || clock == null || listener == null) {
            throw new IllegalArgumentException("local credentials, config, clock and listener are required");
        }
        if (remoteUfrag != null && !IceCredentials.isIceChars(remoteUfrag)) {
            throw new IllegalArgumentException("remote ufrag must be ice-chars");
        }
        this.local = local;
        this.remoteUfrag = remoteUfrag;
        this.key = local.password().getBytes(StandardCharsets.UTF_8);
        String username = local.ufrag() + ':' + (remoteUfrag == null ? "" : remoteUfrag);
        this.expectedUsername = username.getBytes(StandardCharsets.UTF_8);
        this.config = config;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Handles one datagram received from {@code from} and writes the response, if any, at {@code out[0]}.
     *
     * @return the response length to send back to {@code from}, or -1 when nothing is to be sent
     */
    public int handle(byte[] buf, int off, int len, InetSocketAddress from, byte[] out) {
        if (out == null || out.length < MIN_RESPONSE_BUFFER) {
            throw new IllegalArgumentException("response buffer must hold " + MIN_RESPONSE_BUFFER + " bytes");
        }
        if (from == null || from.isUnresolved()) {
            throw new IllegalArgumentException("source must be a resolved socket address");
        }
        if (state == IceState.FAILED || !reader.parse(buf, off, len) || !reader.verifyFingerprint()) {
            dropped++;
            return -1;
        }
        if (reader.messageType() != StunMessage.BINDING_REQUEST) {
            if (reader.messageType() == StunMessage.BINDING_INDICATION) {
                refreshConsent(from); // RFC 8445 §11 keepalive: libnice sends only these once connected
            }
            ignored++;
            return -1;
        }
        if (!reader.hasMessageIntegrity() || !reader.has(StunAttributeType.USERNAME)) {
            return error(ErrorCode.BAD_REQUEST, false, out);
        }
        if (!usernameMatches() || !reader.verifyMessageIntegrity(key)) {
            return error(ErrorCode.UNAUTHORIZED, false, out);
        }
        if (reader.unknownComprehensionRequiredCount() > 0) {
            return error(ErrorCode.UNKNOWN_ATTRIBUTE, true, out);
        }
        if (reader.has(StunAttributeType.ICE_CONTROLLED)) {
            return error(ErrorCode.ROLE_CONFLICT, true, out);
        }
        accept(from, reader.useCandidate(), reader.priority());
        successResponses++;
        return writer.start(out, 0, StunMessage.BINDING_SUCCESS_RESPONSE, reader.buffer(), reader.transactionIdOffset())
                .addXorMappedAddress(sourceIp(from), from.getPort())
                .addMessageIntegrity(key)
                .addFingerprint()
                .length();
    }

    private boolean usernameMatches() {
        return remoteUfrag == null ? reader.usernameStartsWith(expectedUsername) : reader.usernameEquals(expectedUsername);
    }

    private int error(int code, boolean authenticated, byte[] out) {
        errorResponses++;
        writer.start(out, 0, StunMessage.BINDING_ERROR_RESPONSE, reader.buffer(), reader.transactionIdOffset())
                .addErrorCode(code);
        if (code == ErrorCode.UNKNOWN_ATTRIBUTE) {
            writer.addUnknownAttributes(unknownTypes, reader.copyUnknownComprehensionRequired(unknownTypes));
        }
        if (authenticated) {
            writer.addMessageIntegrity(key);
        }
        return writer.addFingerprint().length();
    }

    private void accept(InetSocketAddress from, boolean nominate, long priority) {
        remember(from);
        long now = clock.getAsLong();
        if (nominate && !from.equals(selected) && replacesSelection(priority, now)) {
            InetSocketAddress previous = selected;
            selected = from;
            selectedPriority = priority;
            listener.onSelectedAddressChange(previous, from);
        } else if (nominate && from.equals(selected)) {
            selectedPriority = priority;
        }
        if (from.equals(selected)) {
            lastConsentMillis = now;
            if (state != IceState.CONNECTED) {
                setState(IceState.CONNECTED);
            }
        }
    }

    /**
     * Whether a nomination with {@code priority} from an address other than the selected one moves the selection
     * at {@code now}: when nothing is selected yet, when its priority is not below the selected pair's (RFC 8445
     * §8.1.1: the highest-priority nomination is used; a tie is a peer that moved), or when the selected pair has
     * had no consent for the disconnected timeout (its path is gone).
     */
    private boolean replacesSelection(long priority, long now) {
        return selected == null || priority >= selectedPriority
                || now - lastConsentMillis >= config.disconnectedTimeoutMillis();
    }

    /**
     * Renews consent for traffic from {@code from} that proves the peer is alive without a Binding request:
     * a Binding indication (checked for FINGERPRINT by {@link #handle}) or a packet the caller authenticated
     * (SRTP/SRTCP that passed its integrity check). Only the selected address counts, and only while
     * CONNECTED or DISCONNECTED; a FAILED agent stays failed. ICE-lite agents never send checks (RFC 8445
     * §2.5), so this is what keeps a full agent that sends media but only indications as keepalives
     * (libnice, hence GStreamer) from being cut off after the consent timeout. Allocates nothing.
     */
    public void refreshConsent(InetSocketAddress from) {
        if (selected == null || state == IceState.FAILED || !selected.equals(from)) {
            return;
        }
        lastConsentMillis = clock.getAsLong();
        if (state != IceState.CONNECTED) {
            setState(IceState.CONNECTED);
        }
    }

    private void remember(InetSocketAddress from) {
        if (isValidated(from)) {
            return;
        }
        validated[validatedNext] = from;
        validatedNext = (validatedNext + 1) % validated.length;
    }

    private byte[] sourceIp(InetSocketAddress from) {
        if (!from.equals(cachedSource)) {
            cachedSourceIp = from.getAddress().getAddress();
            cachedSource = from;
        }
        return cachedSourceIp;
    }

    /**
     * Applies the consent timeouts at {@code nowMillis} (same clock as the constructor's): CONNECTED becomes
     * DISCONNECTED after {@link IceLiteConfig#disconnectedTimeoutMillis()} without consent, and CONNECTED or
     * DISCONNECTED becomes FAILED once {@link #consentExpired} holds. Call it periodically, e.g. every second.
     *
     * @return the state after the check
     */
    public IceState checkConsent(long nowMillis) {
        if (consentExpired(nowMillis)) {
            if (state != IceState.FAILED) {
                setState(IceState.FAILED);
            }
        } else if (state == IceState.CONNECTED && nowMillis - lastConsentMillis >= config.disconnectedTimeoutMillis()) {
            setState(IceState.DISCONNECTED);
        }
        return state;
    }

    /**
     * True if consent for the selected pair has expired at {@code nowMillis}: no valid request from the selected
     * address for {@link IceLiteConfig#consentTimeoutMillis()}. False before any nomination. Has no side effects.
     */
    public boolean consentExpired(long nowMillis) {
        if (state == IceState.FAILED) {
            return true;
        }
        return selected != null && nowMillis - lastConsentMillis >= config.consentTimeoutMillis();
    }

    private void setState(IceState next) {
        IceState previous = state;
        state = next;
        listener.onStateChange(previous, next);
    }

    /** The current state. */
    public IceState state() {
        return state;
    }

    /** The nominated remote address media goes to, or null before nomination. */
    public InetSocketAddress selectedAddress() {
        return selected;
    }

    /** PRIORITY the peer sent with the latest nomination, or -1 if none or absent. */
    public long selectedPriority() {
        return selectedPriority;
    }

    /**
     * True if {@code address} passed a connectivity check (one of the last {@link #MAX_VALIDATED_ADDRESSES}
     * distinct ones): the transport may accept DTLS and media from it.
     */
    public boolean isValidated(InetSocketAddress address) {
        for (InetSocketAddress a : validated) {
            if (a != null && a.equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Time of the last consent from the selected address, in clock milliseconds. */
    public long lastConsentMillis() {
        return lastConsentMillis;
    }

    /** This agent's credentials. */
    public IceCredentials localCredentials() {
        return local;
    }

    /** The peer's ufrag, or null if not known. */
    public String remoteUfrag() {
        return remoteUfrag;
    }

    /** Success responses sent. */
    public long successResponses() {
        return successResponses;
    }

    /** Error responses sent (400, 401, 420, 487). */
    public long errorResponses() {
        return errorResponses;
    }

    /** Datagrams dropped as invalid (or after FAILED) without a response. */
    public long dropped() {
        return dropped;
    }

    /** Valid STUN messages other than Binding requests, ignored without a response. */
    public long ignored() {
        return ignored;
    }
}
