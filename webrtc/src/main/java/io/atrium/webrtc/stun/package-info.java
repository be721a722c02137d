/**
 * STUN (RFC 8489) message codec for ICE: a validating, non-throwing {@link io.atrium.webrtc.stun.StunReader},
 * a {@link io.atrium.webrtc.stun.StunWriter} that builds messages into caller-owned buffers, and one class per
 * attribute wire format (RFC 8489 section 14, RFC 8445 section 16.1).
 *
 * <p>Nothing here allocates per message once a reader or writer instance is warm, and nothing throws on bad
 * input from the network: malformed datagrams make {@code parse} return {@code false}. Exceptions are only
 * thrown for programmer errors (for example an output buffer that is too small).
 */
package io.atrium.webrtc.stun;
