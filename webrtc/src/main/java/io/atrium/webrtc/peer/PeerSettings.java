package io.atrium.webrtc.peer;

import io.atrium.webrtc.dtls.DtlsSettings;

import java.time.Duration;
import java.util.Objects;

/**
 * Timers of a {@link ClientPeer}, validated on construction.
 *
 * @param checkInterval   pacing of connectivity check retransmissions while connecting; RFC 8445 section 14.2
 *                        paces checks at Ta = 50 ms
 * @param consentInterval mean time between consent checks once connected; each is randomized to 0.8-1.2
 *                        times this (RFC 7675 section 5.1 recommends 5 s)
 * @param consentTimeout  no authenticated answer to a consent check for this long and the peer stops
 *                        sending and FAILS (RFC 7675 section 5.1: 30 s)
 * @param dtls            DTLS settings; the handshake timeout is replaced by what is left of the connect timeout
 */
public record PeerSettings(Duration checkInterval, Duration consentInterval, Duration consentTimeout,
                           DtlsSettings dtls) {

    /** RFC 8445 section 14.2 Ta. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMillis(50);
    /** RFC 7675 section 5.1. */
    public static final Duration DEFAULT_CONSENT_INTERVAL = Duration.ofSeconds(5);
    /** RFC 7675 section 5.1. */
    public static final Duration DEFAULT_CONSENT_TIMEOUT = Duration.ofSeconds(30);
    /** Shortest interval accepted for either timer. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    /** Longest check interval accepted. */
    public static final Duration MAX_CHECK_INTERVAL = Duration.ofSeconds(1);

    /** Validates the timers. */
    public PeerSettings {
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(consentInterval, "consentInterval");
        Objects.requireNonNull(consentTimeout, "consentTimeout");
        Objects.requireNonNull(dtls, "dtls");
        if (checkInterval.compareTo(MIN_INTERVAL) < 0 || checkInterval.compareTo(MAX_CHECK_INTERVAL) > 0) {
            throw new PeerException("peer checkInterval must be between " + MIN_INTERVAL + " and "
                    + MAX_CHECK_INTERVAL + ", got " + checkInterval);
        }
        if (consentInterval.compareTo(MIN_INTERVAL) < 0) {
            throw new PeerException("peer consentInterval must be at least " + MIN_INTERVAL + ", got "
                    + consentInterval);
        }
        if (consentTimeout.compareTo(consentInterval.multipliedBy(2)) < 0) {
            throw new PeerException("peer consentTimeout must be at least twice the consentInterval ("
                    + consentInterval + "), got " + consentTimeout);
        }
    }

    /** 50 ms checks, consent every 5 s, 30 s consent timeout, default DTLS settings. */
    public static PeerSettings defaults() {
        return new PeerSettings(DEFAULT_CHECK_INTERVAL, DEFAULT_CONSENT_INTERVAL, DEFAULT_CONSENT_TIMEOUT,
                DtlsSettings.defaults());
    }

    /** A copy with other consent timers. */
    public PeerSettings withConsent(Duration interval, Duration timeout) {
        return new PeerSettings(checkInterval, interval, timeout, dtls);
    }
}
