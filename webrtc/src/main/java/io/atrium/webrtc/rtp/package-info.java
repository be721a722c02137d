/**
 * RTP wire codecs (RFC 3550, RFC 8285, RFC 4588, RFC 7741, RFC 6184, RFC 9628): flyweight readers
 * over caller-owned {@code byte[]} ranges that validate without throwing or allocating, in-place
 * editors for the fields an SFU rewrites, and writers into caller-owned buffers.
 */
package io.atrium.webrtc.rtp;
