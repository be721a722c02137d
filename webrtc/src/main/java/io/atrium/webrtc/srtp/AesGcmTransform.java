package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

/**
 * RFC 7714 AEAD_AES_128_GCM (and, with a 32-octet key, AEAD_AES_256_GCM) for SRTP and SRTCP.
 *
 * <pre>
 * SRTP (section 8.2):   | RTP header = AAD | ciphertext | tag (16) |
 *
 * SRTCP (section 9.2):  | header (8) | ciphertext | tag (16) | E | SRTCP index (31) |
 *                       AAD = header (8) || ESRTCP word                  when E = 1
 *                       AAD = whole RTCP packet || ESRTCP word, no text  when E = 0 (section 9.3)
 *
 * IV (section 8.1):  00 00 || SSRC || ROC || SEQ                    XOR salt (12 octets)
 * IV (section 9.1):  00 00 || SSRC || 00 00 || 0 || SRTCP index     XOR salt
 * </pre>
 * Not thread-safe.
 */
final class AesGcmTransform implements SrtpTransform {
    private final AesGcm gcm;
    private final byte[] salt;
    private final byte[] iv = new byte[AesGcm.IV_LENGTH];
    private final byte[] esrtcp = new byte[4];

    AesGcmTransform(byte[] encryptionKey, byte[] salt) {
        if (salt.length != AesGcm.IV_LENGTH) {
            throw new IllegalArgumentException("AES-GCM salt must be 12 octets, got " + salt.length);
        }
        this.gcm = new AesGcm(encryptionKey);
        this.salt = salt.clone();
    }

    /** Writes the RFC 7714 section 8.1 IV for an SRTP packet with 48-bit {@code index} = ROC || SEQ. */
    static void formRtpIv(byte[] salt, int ssrc, long index, byte[] iv) {
        iv[0] = salt[0];
        iv[1] = salt[1];
        Bytes.put32(iv, 2, Bytes.i32(salt, 2) ^ ssrc);
        Bytes.put32(iv, 6, Bytes.i32(salt, 6) ^ (int) (index >>> 16));
        iv[10] = (byte) (salt[10] ^ (index >>> 8));
        iv[11] = (byte) (salt[11] ^ index);
    }

    /** Writes the RFC 7714 section 9.1 IV for an SRTCP packet. */
    static void formRtcpIv(byte[] salt, int ssrc, int index, byte[] iv) {
        iv[0] = salt[0];
        iv[1] = salt[1];
        Bytes.put32(iv, 2, Bytes.i32(salt, 2) ^ ssrc);
        iv[6] = salt[6];
        iv[7] = salt[7];
        Bytes.put32(iv, 8, Bytes.i32(salt, 8) ^ (index & 0x7FFFFFFF));
    }

    @Override
    public int rtpTagLength() {
        return AesGcm.TAG_LENGTH;
    }

    @Override
    public int rtcpTrailerLength() {
        return AesGcm.TAG_LENGTH + 4;
    }

    @Override
    public int esrtcpOffset(int len) {
        return len - 4;
    }

    @Override
    public int protectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index) {
        formRtpIv(salt, ssrc, index, iv);
        gcm.seal(iv, buf, off, headerLength, esrtcp, 0, 0, off + headerLength, len - headerLength, off + len);
        return len + AesGcm.TAG_LENGTH;
    }

    @Override
    public int unprotectRtp(byte[] buf, int off, int len, int headerLength, int ssrc, long index) {
        int plain = len - AesGcm.TAG_LENGTH;
        formRtpIv(salt, ssrc, index, iv);
        boolean ok = gcm.open(iv, buf, off, headerLength, esrtcp, 0, 0, off + headerLength, plain - headerLength,
                off + plain);
        return ok ? plain : SrtpError.AUTH_FAILED;
    }

    @Override
    public int protectRtcp(byte[] buf, int off, int len, int ssrc, int index) {
        formRtcpIv(salt, ssrc, index, iv);
        Bytes.put32(esrtcp, 0, index | 0x80000000);
        gcm.seal(iv, buf, off, 8, esrtcp, 0, 4, off + 8, len - 8, off + len);
        System.arraycopy(esrtcp, 0, buf, off + len + AesGcm.TAG_LENGTH, 4);
        return len + AesGcm.TAG_LENGTH + 4;
    }

    @Override
    public int unprotectRtcp(byte[] buf, int off, int len, int ssrc, boolean encrypted, int index) {
        int plain = len - AesGcm.TAG_LENGTH - 4;
        System.arraycopy(buf, off + len - 4, esrtcp, 0, 4);
        formRtcpIv(salt, ssrc, index, iv);
        boolean ok = encrypted
                ? gcm.open(iv, buf, off, 8, esrtcp, 0, 4, off + 8, plain - 8, off + plain)
                : gcm.open(iv, buf, off, plain, esrtcp, 0, 4, off + plain, 0, off + plain);
        return ok ? plain : SrtpError.AUTH_FAILED;
    }
}
