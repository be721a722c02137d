package io.atrium.webrtc.ice;

import java.net.InetSocketAddress;

/**
 * Callbacks of an {@link IceLiteAgent}. They run synchronously on the thread that calls
 * {@link IceLiteAgent#handle} or {@link IceLiteAgent#checkConsent}, so they must be quick and must not throw.
 */
public interface IceLiteListener {
    /** A listener that ignores everything. */
    IceLiteListener NONE = new IceLiteListener() {
    };

    /** The state changed from {@code previous} to {@code current}. */
    default void onStateChange(IceState previous, IceState current) {
    }

    /**
     * The remote address media must be sent to changed (first nomination, or a new nomination from another
     * address after a network change). {@code previous} is null on the first nomination.
     */
    default void onSelectedAddressChange(InetSocketAddress previous, InetSocketAddress current) {
    }
}
