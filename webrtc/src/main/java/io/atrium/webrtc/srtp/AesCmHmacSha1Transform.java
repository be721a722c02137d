package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

/**
 * RFC 3711 default transforms: AES-CM encryption (section 4.1.1) and HMAC-SHA1 authentication
 * truncated to {@code tagLength} octets (section 4.2.1), for SRTP and SRTCP (section 3.4).
 *
 * <pre>
 * SRTP:   | RTP header | encrypted payload | auth tag (10) |
 *         |&lt;------ authenticated (+ ROC) ----&gt;|
 *
 * SRTCP:  | header (8) | encrypted portion | E | SRTCP index (31) | auth tag (10) |
 *         |&lt;------------------ authenticated ----------------------&gt;|
 *
 * IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)        (section 4.1.1)
 * </pre>
 * Auth tag = first {@code tagLength} octets of HMAC-SHA1(k_a, authenticated portion || ROC) for SRTP;
 * SRTCP authenticates the packet with its E/index word and no ROC. Not thread-safe.
 */
final class AesCmHmacSha1Transform implements SrtpTransform {
    private final AesCounterMode cipher;
    private final HmacSha1 mac;
    private final byte[] salt;
    private final int tagLength;
    private final byte[] iv = new byte[16];
    private final byte[] roc = new byte[4];
    private final byte[] digest = new byte[HmacSha1.LENGTH];

    AesCmHmacSha1Transform(byte[] encryptionKey, byte[] salt, byte[] authKey, int tagLength) {
        if (salt.length != 14) {
            throw new IllegalArgumentException("AES-CM salt must be 14 octets, got " + salt.length);
        }
        this.cipher = new AesCounterMode(encryptionKey);
        this.mac = new HmacSha1(authKey);
        this.salt = salt.clone();
        this.tagLength = tagLength;
    }

    /** Writes the RFC 3711 section 4.1.1 counter-mode IV for {@code ssrc} and 48-bit {@code index}. */
    static void formIv(byte[] salt, int ssrc, long index, byte[] iv) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        Bytes.put32(iv, 4, Bytes.i32(iv, 4) ^ ssrc);
        for (int i = 0; i < 6; i++) {
            iv[8 + i] ^= (byte) (index >>> (40 - 8 * i));
        }
    }

    @Override
    public int rtpTagLength() {
        return tagLength;
    }

    @Override
    public int rtcpTrailerLength() {
        return tagLength + 4;
    }

    @Override
    public int esrtcpOffset(int len) {
        return len - tagLength - 4;
    }

    @Override
    public int protectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index) {
        formIv(salt, ssrc, index, iv);
        cipher.xorKeystream(iv, buf, off + headerLength, len - headerLength);
        rtpTag(buf, off, len, index);
        System.arraycopy(digest, 0, buf, off + len, tagLength);
        return len + tagLength;
    }

    @Override
    public int unprotectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index) {
        int authenticated = len - tagLength;
        rtpTag(buf, off, authenticated, index);
        if (!CryptoBytes.constantTimeEquals(digest, 0, buf, off + authenticated, tagLength)) {
            return SrtpError.AUTH_FAILED;
        }
        formIv(salt, ssrc, index, iv);
        cipher.xorKeystream(iv, buf, off + headerLength, authenticated - headerLength);
        return authenticated;
    }

    @Override
    public int protectRtcp(byte[] buf, int off, int len, int ssrc, int index) {
        formIv(salt, ssrc, index, iv);
        cipher.xorKeystream(iv, buf, off + 8, len - 8);
        Bytes.put32(buf, off + len, index | 0x80000000);
        int authenticated = len + 4;
        mac.begin();
        mac.update(buf, off, authenticated);
        mac.finish(digest, 0);
        System.arraycopy(digest, 0, buf, off + authenticated, tagLength);
        return authenticated + tagLength;
    }

    @Override
    public int unprotectRtcp(byte[] buf, int off, int len, int ssrc, boolean encrypted, int index) {
        int authenticated = len - tagLength;
        mac.begin();
        mac.update(buf, off, authenticated);
        mac.finish(digest, 0);
        if (!CryptoBytes.constantTimeEquals(digest, 0, buf, off + authenticated, tagLength)) {
            return SrtpError.AUTH_FAILED;
        }
        int plain = authenticated - 4;
        if (encrypted) {
            formIv(salt, ssrc, index, iv);
            cipher.xorKeystream(iv, buf, off + 8, plain - 8);
        }
        return plain;
    }

    private void rtpTag(byte[] buf, int off, int len, long index) {
        Bytes.put32(roc, 0, (int) (index >>> 16));
        mac.begin();
        mac.update(buf, off, len);
        mac.update(roc, 0, 4);
        mac.finish(digest, 0);
    }
}
