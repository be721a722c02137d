package io.atrium.server.sfu;

/**
 * One track a subscriber receives: the receiver it copies, and what the subscriber's SDP answer
 * promised — SSRC, payload type, RTX SSRC and payload type (-1 without RTX), CNAME — plus the size
 * it renders at (0×0: the best layer) and the id of the transport-wide sequence number extension
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01) the answer negotiated for its m-line, 0 without, and the
 * payload type of audio RED (RFC 2198) it accepts, -1 when it does not (its audio then gets the primary Opus alone),
 * and the most the subscriber wants to receive in all, bit/s, from its offer's session-level {@code b=TIAS} or
 * {@code b=AS} (0 without; the same on every subscription of one offer; docs/MEDIA.md), and the id of the AV1
 * dependency descriptor extension its m-line negotiated, 0 without.
 */
public record Subscription(Receiver receiver, int ssrc, int payloadType, int rtxSsrc, int rtxPayloadType, String cname,
                           int width, int height, int transportCcId, int redPayloadType, long receiveCap,
                           int dependencyDescriptorId) {

    /** A subscription without the dependency descriptor. */
    public Subscription(Receiver receiver, int ssrc, int payloadType, int rtxSsrc, int rtxPayloadType, String cname,
                        int width, int height, int transportCcId, int redPayloadType, long receiveCap) {
        this(receiver, ssrc, payloadType, rtxSsrc, rtxPayloadType, cname, width, height, transportCcId, redPayloadType, receiveCap, 0);
    }

    /** A subscription without RED. */
    public Subscription(Receiver receiver, int ssrc, int payloadType, int rtxSsrc, int rtxPayloadType, String cname,
                        int width, int height, int transportCcId) {
        this(receiver, ssrc, payloadType, rtxSsrc, rtxPayloadType, cname, width, height, transportCcId, -1, 0, 0);
    }
}
