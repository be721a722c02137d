package io.atrium.webrtc.ice;

/**
 * Timeouts of an {@link IceLiteAgent}. A lite agent never sends checks, so consent (RFC 7675) is whatever the
 * peer proves from the selected address: each valid authenticated Binding request, Binding indication or
 * authenticated SRTP/SRTCP packet.
 *
 * @param consentTimeoutMillis silence after which consent expires and the agent fails (RFC 7675 section 5.1:
 *     30 seconds)
 * @param disconnectedTimeoutMillis silence after which the agent reports {@link IceState#DISCONNECTED}; at most
 *     the consent timeout
 */
public record IceLiteConfig(long consentTimeoutMillis, long disconnectedTimeoutMillis) {
    /** RFC 7675 consent timeout. */
    public static final long DEFAULT_CONSENT_TIMEOUT_MILLIS = 30_000;
    /**
     * Default time to {@link IceState#DISCONNECTED}: browsers send consent checks about every 5 s (RFC 7675
     * section 5.1 picks 4-6 s at random), so 5 s of silence means at least one check was missed.
     */
    public static final long DEFAULT_DISCONNECTED_TIMEOUT_MILLIS = 5_000;
    /** The defaults above. */
    public static final IceLiteConfig DEFAULT =
            new IceLiteConfig(DEFAULT_CONSENT_TIMEOUT_MILLIS, DEFAULT_DISCONNECTED_TIMEOUT_MILLIS);

    /** Validates the timeouts. */
    public IceLiteConfig {
        if (consentTimeoutMillis <= 0) {
            throw new IllegalArgumentException("ice consent timeout must be positive, got " + consentTimeoutMillis);
        }
        if (disconnectedTimeoutMillis <= 0 || disconnectedTimeoutMillis > consentTimeoutMillis) {
            throw new IllegalArgumentException("ice disconnected timeout must be positive and at most the consent"
                    + " timeout (" + consentTimeoutMillis + " ms), got " + disconnectedTimeoutMillis);
        }
    }
}
