/**
 * RTCP wire codecs (RFC 3550 section 6, RFC 4585, RFC 5104, draft-alvestrand-rmcat-remb-03,
 * draft-holmer-rmcat-transport-wide-cc-extensions-01): a validating compound iterator, flyweight
 * readers per packet type, and writers into caller-owned buffers that return the length written
 * or -1 when it does not fit.
 */
package io.atrium.webrtc.rtcp;
