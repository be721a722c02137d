/**
 * ICE-lite (RFC 8445 sections 2.5 and 7.3) for a server that only answers connectivity checks, with the passive
 * side of consent freshness (RFC 7675), credentials generation, candidate priorities and SDP host candidate
 * lines (RFC 8839 section 5.1). Built on {@link io.atrium.webrtc.stun}.
 */
package io.atrium.webrtc.ice;
