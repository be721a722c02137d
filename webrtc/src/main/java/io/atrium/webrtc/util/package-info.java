/**
 * Small helpers shared by the protocol packages: network byte order (RFC 1700 / RFC 791 "big-endian")
 * field access on caller-owned {@code byte[]} buffers, without allocation.
 */
package io.atrium.webrtc.util;
