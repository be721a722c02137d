package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;

import java.util.Objects;

/**
 * SRTP and SRTCP protection for one direction of one DTLS-SRTP association (RFC 3711 section 3,
 * RFC 7714 sections 8-9): a context built from the local write keys only protects, one built from
 * the peer's write keys only unprotects. Per-SSRC state (rollover counter, replay windows, SRTCP
 * index) is created on the first packet of each SSRC, at most {@link #MAX_SSRCS} of them.
 *
 * <p>All four operations work in place on caller-owned buffers and return a length or a negative
 * {@link SrtpError} code; they never throw on packet content. Only out-of-range {@code off/len}
 * (a programmer error) throws {@link IndexOutOfBoundsException}.
 *
 * <ul>
 *   <li>Index estimation: RFC 3711 section 3.3.1 and appendix A; ROC and s_l advance only after a
 *       packet authenticated.</li>
 *   <li>Replay: RFC 3711 section 3.3.2 windows of {@link #RTP_REPLAY_WINDOW} and
 *       {@link #RTCP_REPLAY_WINDOW} packets. The sender keeps the same window over the indices it
 *       protected and refuses to protect one twice ({@link SrtpError#REPLAYED}): a repeated index
 *       would repeat the AES-CM keystream or the GCM nonce. Retransmit already-protected bytes or
 *       use RTX instead.</li>
 *   <li>SRTCP: index starts at 0 per SSRC and increments per packet; protect always sets E=1;
 *       unprotect accepts E=1 and E=0 (RFC 3711 section 3.4, RFC 7714 section 9.3).</li>
 * </ul>
 *
 * <p><b>Threading:</b> thread-confined. A context reuses its cipher, MAC, IV and scratch arrays on
 * every call and holds unsynchronized state; one thread (the peer's transport loop) must own it.
 * Once every SSRC has been seen, the operations allocate nothing.
 */
public final class SrtpContext {
    /** Most SSRCs one context tracks; packets of further SSRCs get {@link SrtpError#SSRC_LIMIT}. */
    public static final int MAX_SSRCS = 1024;
    /** SRTP replay window in packets (RFC 3711 requires at least 64). */
    public static final int RTP_REPLAY_WINDOW = 1024;
    /** SRTCP replay window in packets. */
    public static final int RTCP_REPLAY_WINDOW = 128;

    private static final long MAX_ROC = 0xFFFFFFFFL;
    private static final int HALF_SEQ = 1 << 15;

    private final SrtpProfile profile;
    private final SrtpTransform rtp;
    private final SrtpTransform rtcp;
    private final SsrcTable ssrcs = new SsrcTable(MAX_SSRCS);

    /**
     * Derives the six session keys (RFC 3711 section 4.3, RFC 7714 section 11) from one side's
     * master key and salt. The arrays are not retained.
     */
    public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        Objects.requireNonNull(profile, "profile");
        if (masterKey.length != profile.masterKeyLength() || masterSalt.length != profile.masterSaltLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.masterKeyLength() + "-octet key and "
                    + profile.masterSaltLength() + "-octet salt, got " + masterKey.length + " and " + masterSalt.length);
        }
        this.profile = profile;
        this.rtp = transform(profile, masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION);
        this.rtcp = transform(profile, masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION);
    }

    /** A context over ready session transforms (tests with published session keys). */
    SrtpContext(SrtpProfile profile, SrtpTransform rtp, SrtpTransform rtcp) {
        this.profile = profile;
        this.rtp = rtp;
        this.rtcp = rtcp;
    }

    private static SrtpTransform transform(SrtpProfile profile, byte[] key, byte[] salt, int encryptionLabel) {
        byte[] sessionKey = SrtpKeyDerivation.derive(key, salt, encryptionLabel, profile.masterKeyLength());
        byte[] sessionSalt = SrtpKeyDerivation.derive(key, salt, encryptionLabel + 2, profile.masterSaltLength());
        try {
            return switch (profile) {
                case SRTP_AES128_CM_HMAC_SHA1_80 -> new AesCmHmacSha1Transform(sessionKey, sessionSalt,
                        SrtpKeyDerivation.derive(key, salt, encryptionLabel + 1, profile.authKeyLength()),
                        profile.authTagLength());
                case SRTP_AEAD_AES_128_GCM -> new AesGcmTransform(sessionKey, sessionSalt);
            };
        } finally {
            java.util.Arrays.fill(sessionKey, (byte) 0);
        }
    }

    public SrtpProfile profile() {
        return profile;
    }

    /**
     * Protects the RTP packet in {@code buf[off, off+len)} in place and appends the tag; the caller
     * leaves {@link SrtpProfile#rtpOverhead()} octets of room after it.
     *
     * @return the SRTP packet length, or a negative {@link SrtpError}
     */
    public int protectRtp(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int headerLength = PacketHeaders.rtpHeaderLength(buf, off, len);
        if (headerLength < 0) {
            return headerLength;
        }
        if (buf.length - off - len < rtp.rtpTagLength()) {
            return SrtpError.BUFFER_TOO_SMALL;
        }
        int ssrc = Bytes.i32(buf, off + 8);
        SsrcState state = ssrcs.get(ssrc);
        if (state == null) {
            if (ssrcs.isFull()) {
                return SrtpError.SSRC_LIMIT;
            }
            state = ssrcs.create(ssrc);
        }
        long index = estimateIndex(state.rtp.top(), Bytes.u16(buf, off + 2));
        int status = index < 0 ? (int) index : state.rtp.check(index);
        if (status < 0) {
            return status;
        }
        int protectedLength = rtp.protectRtp(buf, off, len, headerLength, ssrc, index);
        state.rtp.accept(index);
        return protectedLength;
    }

    /**
     * Verifies, replay-checks and decrypts the SRTP packet in {@code buf[off, off+len)} in place.
     *
     * @return the RTP packet length, or a negative {@link SrtpError}
     */
    public int unprotectRtp(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int headerLength = PacketHeaders.rtpHeaderLength(buf, off, len);
        if (headerLength < 0) {
            return headerLength;
        }
        if (len - headerLength < rtp.rtpTagLength()) {
            return SrtpError.TOO_SHORT;
        }
        int ssrc = Bytes.i32(buf, off + 8);
        SsrcState state = ssrcs.get(ssrc);
        if (state == null && ssrcs.isFull()) {
            return SrtpError.SSRC_LIMIT;
        }
        long index = estimateIndex(state == null ? -1 : state.rtp.top(), Bytes.u16(buf, off + 2));
        int status = index < 0 ? (int) index : state == null ? 0 : state.rtp.check(index);
        if (status < 0) {
            return status;
        }
        int plainLength = rtp.unprotectRtp(buf, off, len, headerLength, ssrc, index);
        if (plainLength < 0) {
            return plainLength;
        }
        if (state == null) {
            state = ssrcs.create(ssrc);
        }
        state.rtp.accept(index);
        return plainLength;
    }

    /**
     * Encrypts the (compound) RTCP packet in {@code buf[off, off+len)} in place with E=1 and appends
     * the tag and SRTCP index; the caller leaves {@link SrtpProfile#rtcpOverhead()} octets of room.
     *
     * @return the SRTCP packet length, or a negative {@link SrtpError}
     */
    public int protectRtcp(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int status = PacketHeaders.checkRtcpHeader(buf, off, len);
        if (status < 0) {
            return status;
        }
        if (buf.length - off - len < rtcp.rtcpTrailerLength()) {
            return SrtpError.BUFFER_TOO_SMALL;
        }
        int ssrc = Bytes.i32(buf, off + 4);
        SsrcState state = ssrcs.get(ssrc);
        if (state == null) {
            if (ssrcs.isFull()) {
                return SrtpError.SSRC_LIMIT;
            }
            state = ssrcs.create(ssrc);
        }
        int index = state.nextSrtcpIndex;
        if (index < 0) {
            return SrtpError.INDEX_EXHAUSTED;
        }
        int protectedLength = rtcp.protectRtcp(buf, off, len, ssrc, index);
        state.nextSrtcpIndex = index + 1;
        return protectedLength;
    }

    /**
     * Verifies, replay-checks and (if E=1) decrypts the SRTCP packet in {@code buf[off, off+len)}.
     *
     * @return the RTCP packet length, or a negative {@link SrtpError}
     */
    public int unprotectRtcp(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < PacketHeaders.RTCP_HEADER + rtcp.rtcpTrailerLength()) {
            return SrtpError.TOO_SHORT;
        }
        int status = PacketHeaders.checkRtcpHeader(buf, off, len);
        if (status < 0) {
            return status;
        }
        int ssrc = Bytes.i32(buf, off + 4);
        int word = Bytes.i32(buf, off + rtcp.esrtcpOffset(len));
        int index = word & 0x7FFFFFFF;
        SsrcState state = ssrcs.get(ssrc);
        if (state == null && ssrcs.isFull()) {
            return SrtpError.SSRC_LIMIT;
        }
        status = state == null ? 0 : state.rtcp.check(index);
        if (status < 0) {
            return status;
        }
        int plainLength = rtcp.unprotectRtcp(buf, off, len, ssrc, word < 0, index);
        if (plainLength < 0) {
            return plainLength;
        }
        if (state == null) {
            state = ssrcs.create(ssrc);
        }
        state.rtcp.accept(index);
        return plainLength;
    }

    /** The SRTP rollover counter of {@code ssrc}, or -1 if no RTP packet of it was processed. */
    public long rolloverCounter(int ssrc) {
        SsrcState state = ssrcs.get(ssrc);
        return state == null || state.rtp.top() < 0 ? -1 : state.rtp.top() >>> 16;
    }

    /** Number of SSRCs with state. */
    public int ssrcCount() {
        return ssrcs.size();
    }

    /**
     * Forgets an SSRC (its stream ended, e.g. after RTCP BYE). A later packet of the same SSRC starts
     * again at ROC 0, so only remove streams that will not resume under these keys.
     */
    public boolean removeSsrc(int ssrc) {
        return ssrcs.remove(ssrc);
    }

    /**
     * RFC 3711 appendix A: picks v in {ROC-1, ROC, ROC+1} so that 2^16 * v + seq is closest to the
     * highest index so far; {@code highest < 0} means no packet yet, giving ROC 0 and s_l = seq.
     *
     * @return the 48-bit index, {@link SrtpError#TOO_OLD} for v = -1, or
     *     {@link SrtpError#INDEX_EXHAUSTED} past ROC 2^32 - 1
     */
    static long estimateIndex(long highest, int seq) {
        if (highest < 0) {
            return seq;
        }
        long roc = highest >>> 16;
        int sl = (int) highest & 0xFFFF;
        long v = roc;
        if (sl < HALF_SEQ) {
            if (seq - sl > HALF_SEQ) {
                v = roc - 1;
            }
        } else if (sl - HALF_SEQ > seq) {
            v = roc + 1;
        }
        if (v < 0) {
            return SrtpError.TOO_OLD;
        }
        if (v > MAX_ROC) {
            return SrtpError.INDEX_EXHAUSTED;
        }
        return (v << 16) | seq;
    }
}
