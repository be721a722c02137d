package io.atrium.webrtc.sdp;

/**
 * A typed attribute that can write itself as an {@code a=} line (RFC 8866 §5.13). Implemented by
 * every typed attribute of this package ({@link Rtpmap}, {@link Fmtp}, {@link Candidate}, ...).
 */
public interface SdpAttribute {

    /** The attribute name, e.g. {@code rtpmap}. */
    String attributeName();

    /** The attribute value as written after the colon, e.g. {@code 111 opus/48000/2}. */
    String attributeValue();

    /** Returns this attribute as an {@code a=} line. */
    default SdpLine toLine() {
        return SdpLine.attribute(attributeName(), attributeValue());
    }
}
