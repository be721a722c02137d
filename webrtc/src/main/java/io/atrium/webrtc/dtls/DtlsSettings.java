package io.atrium.webrtc.dtls;

import io.atrium.webrtc.srtp.SrtpProfile;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link DtlsEndpoint}, validated on construction.
 *
 * @param mtu                   largest datagram the endpoint sends; handshake messages are fragmented
 *                              to fit (RFC 6347 section 4.1.1.1). WebRTC stacks use about 1200 so that
 *                              DTLS over TURN over IPv6 still fits one packet.
 * @param handshakeTimeout      how long the whole handshake may take, counted from
 *                              {@link DtlsEndpoint#start}; the retransmission timer inside it follows
 *                              RFC 6347 section 4.2.4 (1 s initial, doubling)
 * @param srtpProfiles          SRTP protection profiles offered (client) or accepted (server) in
 *                              {@code use_srtp}, most preferred first (RFC 5764 section 4.1.1)
 * @param receiveQueueCapacity  datagrams buffered between the socket thread and the handshake thread;
 *                              more are dropped and counted
 */
public record DtlsSettings(int mtu, Duration handshakeTimeout, List<SrtpProfile> srtpProfiles,
                           int receiveQueueCapacity) {

    /** Default MTU, as used by the browsers' WebRTC stacks. */
    public static final int DEFAULT_MTU = 1200;
    /** Smallest MTU accepted: enough for a record header, a handshake fragment header and some body. */
    public static final int MIN_MTU = 256;
    /** Largest MTU accepted: an Ethernet frame's payload. */
    public static final int MAX_MTU = 1500;
    /** Default for {@link #handshakeTimeout()}. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Shortest handshake timeout accepted. */
    public static final Duration MIN_HANDSHAKE_TIMEOUT = Duration.ofMillis(100);
    /** Longest handshake timeout accepted. */
    public static final Duration MAX_HANDSHAKE_TIMEOUT = Duration.ofMinutes(5);
    /** Default for {@link #receiveQueueCapacity()}: several full handshake flights. */
    public static final int DEFAULT_RECEIVE_QUEUE_CAPACITY = 64;
    /** Largest receive queue accepted. */
    public static final int MAX_RECEIVE_QUEUE_CAPACITY = 4096;

    /** Validates and copies the settings. */
    public DtlsSettings {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(srtpProfiles, "srtpProfiles");
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new DtlsException("dtls mtu must be between " + MIN_MTU + " and " + MAX_MTU + ", got " + mtu);
        }
        if (handshakeTimeout.compareTo(MIN_HANDSHAKE_TIMEOUT) < 0
                || handshakeTimeout.compareTo(MAX_HANDSHAKE_TIMEOUT) > 0) {
            throw new DtlsException("dtls handshakeTimeout must be between " + MIN_HANDSHAKE_TIMEOUT + " and "
                    + MAX_HANDSHAKE_TIMEOUT + ", got " + handshakeTimeout);
        }
        srtpProfiles = List.copyOf(srtpProfiles);
        if (srtpProfiles.isEmpty() || srtpProfiles.size() != srtpProfiles.stream().distinct().count()) {
            throw new DtlsException("dtls srtpProfiles must list at least one profile, each once, got "
                    + srtpProfiles);
        }
        if (receiveQueueCapacity < 1 || receiveQueueCapacity > MAX_RECEIVE_QUEUE_CAPACITY) {
            throw new DtlsException("dtls receiveQueueCapacity must be between 1 and " + MAX_RECEIVE_QUEUE_CAPACITY
                    + ", got " + receiveQueueCapacity);
        }
    }

    /**
     * MTU 1200, 10 s handshake timeout, the SRTP profiles in {@link SrtpProfile#preferred()}'s order (GCM first where it
     * runs without garbage; docs/PERFORMANCE.md, "Which SRTP profile Atrium negotiates").
     */
    public static DtlsSettings defaults() {
        return new DtlsSettings(DEFAULT_MTU, DEFAULT_HANDSHAKE_TIMEOUT, SrtpProfile.preferred(), DEFAULT_RECEIVE_QUEUE_CAPACITY);
    }

    /** A copy with another handshake timeout. */
    public DtlsSettings withHandshakeTimeout(Duration timeout) {
        return new DtlsSettings(mtu, timeout, srtpProfiles, receiveQueueCapacity);
    }

    /** A copy with other SRTP profiles, most preferred first. */
    public DtlsSettings withSrtpProfiles(SrtpProfile... profiles) {
        return new DtlsSettings(mtu, handshakeTimeout, List.of(profiles), receiveQueueCapacity);
    }

    /** A copy with another MTU. */
    public DtlsSettings withMtu(int newMtu) {
        return new DtlsSettings(newMtu, handshakeTimeout, srtpProfiles, receiveQueueCapacity);
    }

    int[] srtpProfileIds() {
        return srtpProfiles.stream().mapToInt(SrtpProfile::id).toArray();
    }
}
