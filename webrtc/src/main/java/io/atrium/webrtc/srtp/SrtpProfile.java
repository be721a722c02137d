package io.atrium.webrtc.srtp;

import java.util.Optional;

/**
 * The SRTP protection profiles Atrium negotiates in DTLS-SRTP, with their key and tag sizes.
 *
 * <p>{@link #SRTP_AES128_CM_HMAC_SHA1_80} is RFC 5764 section 4.1.2 (profile {0x00,0x01}): AES-128 in
 * counter mode (RFC 3711 section 4.1.1), a 112-bit salt and HMAC-SHA1 truncated to 80 bits for both
 * SRTP and SRTCP (RFC 3711 section 4.2.1). {@link #SRTP_AEAD_AES_128_GCM} is RFC 7714 section 14.2
 * (profile {0x00,0x07}): AES-128-GCM with a 96-bit salt and a 16-octet tag, no separate auth key.
 *
 * <p>The DTLS exporter output for a profile is {@link #keyingMaterialLength()} octets
 * (RFC 5764 section 4.2):
 * <pre>
 * +--------------------+--------------------+---------------------+---------------------+
 * | client master key  | server master key  | client master salt  | server master salt  |
 * | masterKeyLength()  | masterKeyLength()  | masterSaltLength()  | masterSaltLength()  |
 * +--------------------+--------------------+---------------------+---------------------+
 * </pre>
 */
public enum SrtpProfile {
    /** RFC 3711 default transform: AES-CM-128, HMAC-SHA1-80 on SRTP and SRTCP. */
    SRTP_AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 20, 10),
    /** RFC 7714 AEAD_AES_128_GCM: 16-octet key, 12-octet salt, 16-octet GCM tag. */
    SRTP_AEAD_AES_128_GCM(0x0007, 16, 12, 0, 16);

    private final int id;
    private final int masterKeyLength;
    private final int masterSaltLength;
    private final int authKeyLength;
    private final int authTagLength;

    SrtpProfile(int id, int masterKeyLength, int masterSaltLength, int authKeyLength, int authTagLength) {
        this.id = id;
        this.masterKeyLength = masterKeyLength;
        this.masterSaltLength = masterSaltLength;
        this.authKeyLength = authKeyLength;
        this.authTagLength = authTagLength;
    }

    /** The two-octet DTLS-SRTP protection profile id (RFC 5764 section 4.1.2, RFC 7714 section 14.2). */
    public int id() {
        return id;
    }

    /** Master key length in octets; the session encryption key has the same length. */
    public int masterKeyLength() {
        return masterKeyLength;
    }

    /** Master salt length in octets; the session salt has the same length. */
    public int masterSaltLength() {
        return masterSaltLength;
    }

    /** Session authentication key length in octets (0 for AEAD profiles). */
    public int authKeyLength() {
        return authKeyLength;
    }

    /** Authentication tag length in octets, for SRTP and SRTCP alike. */
    public int authTagLength() {
        return authTagLength;
    }

    /** Octets {@code protectRtp} adds to an RTP packet. */
    public int rtpOverhead() {
        return authTagLength;
    }

    /** Octets {@code protectRtcp} adds to an RTCP packet: the tag and the 4-octet E-flag/SRTCP index word. */
    public int rtcpOverhead() {
        return authTagLength + 4;
    }

    /** Length of the DTLS exported keying material for this profile (RFC 5764 section 4.2). */
    public int keyingMaterialLength() {
        return 2 * (masterKeyLength + masterSaltLength);
    }

    /**
     * Every profile, the one to negotiate first: {@link #SRTP_AEAD_AES_128_GCM} where it runs without garbage
     * ({@link AesGcm#COMPOSED}: about a third of AES-CM/HMAC-SHA1's CPU per 1200-octet packet, docs/PERFORMANCE.md,
     * "AES-GCM without garbage"), else {@link #SRTP_AES128_CM_HMAC_SHA1_80}, which is allocation-free everywhere.
     */
    public static java.util.List<SrtpProfile> preferred() {
        return AesGcm.COMPOSED ? java.util.List.of(SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80)
                : java.util.List.of(SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM);
    }

    /** The profile with the given DTLS-SRTP id, if Atrium supports it. */
    public static Optional<SrtpProfile> fromId(int id) {
        for (SrtpProfile profile : values()) {
            if (profile.id == id) {
                return Optional.of(profile);
            }
        }
        return Optional.empty();
    }
}
