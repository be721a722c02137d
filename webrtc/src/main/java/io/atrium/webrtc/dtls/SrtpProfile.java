package io.atrium.webrtc.dtls;

import java.util.Optional;

/**
 * SRTP protection profiles negotiated through the DTLS {@code use_srtp} extension.
 *
 * <p>RFC 5764 section 4.1.2 defines the profile identifiers, a two-byte value on the wire:
 * <pre>
 *   SRTPProtectionProfile SRTP_AES128_CM_HMAC_SHA1_80 = {0x00, 0x01};   RFC 5764 4.1.2
 *   SRTPProtectionProfile SRTP_AEAD_AES_128_GCM       = {0x00, 0x07};   RFC 7714 14.2
 * </pre>
 * and RFC 5764 section 4.2 sizes the exported keying material from the profile's master key and
 * master salt lengths: {@code 2 * (keyLength + saltLength)} bytes. AES_CM_128_HMAC_SHA1_80 uses a
 * 128-bit key and 112-bit salt (RFC 3711 section 8.2); AEAD_AES_128_GCM uses a 128-bit key and a
 * 96-bit salt (RFC 7714 section 12).
 */
public enum SrtpProfile {
    /** {@code SRTP_AEAD_AES_128_GCM}, RFC 7714 section 14.2. */
    AEAD_AES_128_GCM(0x0007, 16, 12),
    /** {@code SRTP_AES128_CM_HMAC_SHA1_80}, RFC 5764 section 4.1.2. */
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14);

    private final int id;
    private final int masterKeyLength;
    private final int masterSaltLength;

    SrtpProfile(int id, int masterKeyLength, int masterSaltLength) {
        this.id = id;
        this.masterKeyLength = masterKeyLength;
        this.masterSaltLength = masterSaltLength;
    }

    /** The two-byte SRTPProtectionProfile value carried in {@code use_srtp}. */
    public int id() {
        return id;
    }

    /** SRTP master key length in bytes. */
    public int masterKeyLength() {
        return masterKeyLength;
    }

    /** SRTP master salt length in bytes. */
    public int masterSaltLength() {
        return masterSaltLength;
    }

    /** Length of the RFC 5764 section 4.2 exporter output: {@code 2 * (key + salt)} bytes. */
    public int keyingMaterialLength() {
        return 2 * (masterKeyLength + masterSaltLength);
    }

    /** The profile with this wire identifier, or empty if Atrium does not support it. */
    public static Optional<SrtpProfile> fromId(int id) {
        for (SrtpProfile profile : values()) {
            if (profile.id == id) {
                return Optional.of(profile);
            }
        }
        return Optional.empty();
    }
}
