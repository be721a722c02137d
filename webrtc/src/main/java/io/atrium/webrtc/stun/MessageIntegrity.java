package io.atrium.webrtc.stun;

import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * MESSAGE-INTEGRITY attribute (0x0008), RFC 8489 section 14.5: HMAC-SHA1 of the message up to but excluding
 * this attribute, computed with the header length field set as if the message ended right after this
 * attribute (so attributes that follow, such as FINGERPRINT, are not counted).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                HMAC-SHA1 (20 bytes)                           |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * With short-term credentials (RFC 8489 section 9.1.1, used by ICE) the key is the password after OpaqueString
 * preparation, which leaves the ASCII ice-chars of ICE passwords unchanged: callers pass the password's UTF-8
 * bytes. This class uses BouncyCastle's lightweight HMAC, which writes into caller arrays and so allocates
 * nothing per message; the key schedule is redone only when the key bytes change. Not thread-safe.
 */
public final class MessageIntegrity {
    /** Value length (an HMAC-SHA1). */
    public static final int VALUE_LENGTH = 20;
    /** Whole attribute length including the TLV header. */
    public static final int ATTRIBUTE_LENGTH = StunAttributeType.TLV_HEADER_LENGTH + VALUE_LENGTH;

    private final HMac hmac = new HMac(new SHA1Digest());
    private byte[] key;

    /** Selects the key; re-keys the HMAC only if the bytes differ from the current key. */
    public void key(byte[] newKey) {
        if (newKey == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        if (key == null || !Arrays.equals(key, newKey)) {
            key = newKey.clone();
            hmac.init(new KeyParameter(key));
        }
    }

    /**
     * Computes the HMAC for a MESSAGE-INTEGRITY attribute whose TLV header starts at {@code attrOff} in the
     * message at {@code msgOff}, writing 20 bytes to {@code out} at {@code outOff}. The header length field is
     * taken as {@code attrOff + 24 - msgOff - 20} whatever the buffer holds, as RFC 8489 section 14.5 requires.
     */
    public void compute(byte[] buf, int msgOff, int attrOff, byte[] out, int outOff) {
        if (key == null) {
            throw new IllegalStateException("no key selected");
        }
        int adjustedLength = attrOff + ATTRIBUTE_LENGTH - msgOff - StunMessage.HEADER_LENGTH;
        hmac.update(buf, msgOff, 2);
        hmac.update((byte) (adjustedLength >>> 8));
        hmac.update((byte) adjustedLength);
        hmac.update(buf, msgOff + 4, attrOff - msgOff - 4);
        hmac.doFinal(out, outOff);
    }
}
