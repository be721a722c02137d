/**
 * SDP for WebRTC: parsing and writing session descriptions (RFC 8866) as JSEP uses them (RFC 8829),
 * and the answer of an ICE-lite SFU.
 *
 * <h2>Parsing untrusted text</h2>
 * {@link io.atrium.webrtc.sdp.SessionDescription#parse(String)} reads CRLF or LF text within the bounds
 * of {@link io.atrium.webrtc.sdp.SdpLimits} and throws only {@link io.atrium.webrtc.sdp.SdpException},
 * whose message names the line number and the problem. Every line is kept, so unknown attributes
 * round-trip through {@link io.atrium.webrtc.sdp.SessionDescription#write()}; typed values are derived
 * once per section: {@link io.atrium.webrtc.sdp.MediaDescription#codecs()} (payload type, name, clock
 * rate, channels, fmtp, rtcp-fb, RTX payload type), extmaps, rids and simulcast, SSRCs and groups,
 * candidates, fingerprints, ICE credentials, direction and mid. Session-level fallbacks are resolved by
 * {@code SessionDescription.iceCredentials/fingerprints/setup/direction(media)}.
 *
 * <h2>Answering</h2>
 * {@link io.atrium.webrtc.sdp.AnswerBuilder} answers an offer with the SFU's
 * {@link io.atrium.webrtc.sdp.LocalCapabilities} and {@link io.atrium.webrtc.sdp.LocalTransport}:
 * same sections and mids, BUNDLE of the accepted mids, codecs and header extensions intersected in the
 * offerer's order with the offerer's numbers, RTX kept with its codec, directions reversed or chosen
 * per mid, rid/simulcast mirrored, refused sections with port 0, {@code a=ice-lite}, and
 * {@code a=rtcp-mux} required.
 *
 * <p>SDP is signaling, not the packet path: these are plain immutable objects, allocated freely.
 */
package io.atrium.webrtc.sdp;
