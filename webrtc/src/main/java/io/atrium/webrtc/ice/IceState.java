package io.atrium.webrtc.ice;

/**
 * Connection state of an {@link IceLiteAgent}, a subset of the W3C {@code RTCIceConnectionState} that a
 * passive ICE-lite agent can observe.
 */
public enum IceState {
    /** No pair has been nominated yet. */
    NEW,
    /** A pair is nominated and consent (RFC 7675) is fresh. */
    CONNECTED,
    /** No consent for {@link IceLiteConfig#disconnectedTimeoutMillis()}; recovers on the next valid check. */
    DISCONNECTED,
    /** Consent expired ({@link IceLiteConfig#consentTimeoutMillis()}); final, the agent answers nothing more. */
    FAILED
}
