package io.atrium.webrtc.dtls;

import io.atrium.webrtc.srtp.SrtpProfile;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a finished DTLS-SRTP handshake hands to the SRTP layer: the negotiated protection profile,
 * this endpoint's role, and the keying material exported with the label
 * {@code "EXTRACTOR-dtls_srtp"} and no context (RFC 5764 section 4.2, RFC 5705).
 *
 * <p>The exporter output is laid out as (RFC 5764 section 4.2):
 * <pre>
 *   +------------------------------+ 0
 *   | client_write_SRTP_master_key |  keyLength
 *   +------------------------------+
 *   | server_write_SRTP_master_key |  keyLength
 *   +------------------------------+
 *   | client_write_SRTP_master_salt|  saltLength
 *   +------------------------------+
 *   | server_write_SRTP_master_salt|  saltLength
 *   +------------------------------+ 2 * (keyLength + saltLength)
 * </pre>
 * {@link #local()} is what this side protects its outgoing SRTP/SRTCP with, {@link #remote()} what it
 * unprotects incoming packets with. Immutable; {@link #toString()} never prints secret bytes.
 */
public final class SrtpKeyingMaterial {

    private final SrtpProfile profile;
    private final DtlsRole role;
    private final byte[] material;

    private SrtpKeyingMaterial(SrtpProfile profile, DtlsRole role, byte[] material) {
        this.profile = profile;
        this.role = role;
        this.material = material;
    }

    /**
     * Wraps exporter output.
     *
     * @throws DtlsException if {@code material} is not exactly {@link SrtpProfile#keyingMaterialLength()}
     *                       bytes long
     */
    public static SrtpKeyingMaterial of(SrtpProfile profile, DtlsRole role, byte[] material) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(material, "material");
        if (material.length != profile.keyingMaterialLength()) {
            throw new DtlsException("keying material for " + profile + " must be "
                    + profile.keyingMaterialLength() + " bytes, got " + material.length);
        }
        return new SrtpKeyingMaterial(profile, role, material.clone());
    }

    /** The negotiated protection profile. */
    public SrtpProfile profile() {
        return profile;
    }

    /** The negotiated SRTPProtectionProfile wire identifier (RFC 5764 section 4.1.2). */
    public int profileId() {
        return profile.id();
    }

    /** The DTLS role this endpoint played. */
    public DtlsRole role() {
        return role;
    }

    /** A copy of the whole exporter output. */
    public byte[] material() {
        return material.clone();
    }

    /** Master key and salt the DTLS client writes with. */
    public SrtpMasterKey clientWrite() {
        return slice(0, 2 * profile.masterKeyLength());
    }

    /** Master key and salt the DTLS server writes with. */
    public SrtpMasterKey serverWrite() {
        return slice(profile.masterKeyLength(), 2 * profile.masterKeyLength() + profile.masterSaltLength());
    }

    /** Master key and salt for outgoing packets of this endpoint. */
    public SrtpMasterKey local() {
        return role == DtlsRole.CLIENT ? clientWrite() : serverWrite();
    }

    /** Master key and salt for incoming packets from the peer. */
    public SrtpMasterKey remote() {
        return role == DtlsRole.CLIENT ? serverWrite() : clientWrite();
    }

    private SrtpMasterKey slice(int keyOffset, int saltOffset) {
        return new SrtpMasterKey(
                Arrays.copyOfRange(material, keyOffset, keyOffset + profile.masterKeyLength()),
                Arrays.copyOfRange(material, saltOffset, saltOffset + profile.masterSaltLength()));
    }

    @Override
    public String toString() {
        return "SrtpKeyingMaterial[profile=" + profile + ", role=" + role + ", " + material.length + " bytes]";
    }
}
