package io.atrium.webrtc.stun;

import java.util.zip.CRC32;

/**
 * FINGERPRINT attribute (0x8028), RFC 8489 section 14.7: CRC-32 (ISO 3309, as in {@link CRC32}) of the message
 * up to but excluding this attribute, XOR {@link #XOR_VALUE}. It is always the last attribute, so the header
 * length field already counts it when the CRC is taken.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          CRC-32 of the preceding message XOR 0x5354554E       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * An instance keeps one {@link CRC32} and is not thread-safe.
 */
public final class Fingerprint {
    /** The constant the CRC is XORed with ("STUN" in ASCII). */
    public static final int XOR_VALUE = 0x5354554E;
    /** Value length. */
    public static final int VALUE_LENGTH = 4;
    /** Whole attribute length including the TLV header. */
    public static final int ATTRIBUTE_LENGTH = StunAttributeType.TLV_HEADER_LENGTH + VALUE_LENGTH;

    private final CRC32 crc = new CRC32();

    /** The fingerprint of {@code len} bytes at {@code off}. */
    public int compute(byte[] buf, int off, int len) {
        crc.reset();
        crc.update(buf, off, len);
        return (int) crc.getValue() ^ XOR_VALUE;
    }
}
