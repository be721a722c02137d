package io.atrium.webrtc.srtp;

/**
 * SRTP key derivation with the AES-CM PRF (RFC 3711 section 4.3) at key_derivation_rate 0, and its
 * RFC 7714 section 11 use with a 96-bit master salt.
 *
 * <pre>
 *   key_id = label (8 bits) || r (48 bits)       r = index DIV kdr = 0 for kdr = 0
 *   x      = key_id XOR master_salt              aligned at the least significant bit of the
 *                                                112-bit salt: the label lands in octet 7
 *   out    = AES-CM(master_key, IV = x * 2^16), first n octets      (section 4.3.3)
 * </pre>
 * A 12-octet (AEAD) master salt fills octets 0..11 of the 112-bit PRF input and octets 12..13
 * are zero, so the label still lands in octet 7 (RFC 7714 section 11 keeps RFC 3711's PRF).
 * Derivation runs once per key, off the hot path, and allocates freely.
 */
public final class SrtpKeyDerivation {
    /** k_e, the SRTP encryption key. */
    public static final int LABEL_RTP_ENCRYPTION = 0x00;
    /** k_a, the SRTP authentication key. */
    public static final int LABEL_RTP_AUTH = 0x01;
    /** k_s, the SRTP salt. */
    public static final int LABEL_RTP_SALT = 0x02;
    /** SRTCP encryption key. */
    public static final int LABEL_RTCP_ENCRYPTION = 0x03;
    /** SRTCP authentication key. */
    public static final int LABEL_RTCP_AUTH = 0x04;
    /** SRTCP salt. */
    public static final int LABEL_RTCP_SALT = 0x05;

    /** Largest master salt the 112-bit PRF input admits. */
    private static final int PRF_SALT_LENGTH = 14;
    private static final int LABEL_OCTET = 7;

    private SrtpKeyDerivation() {
    }

    /**
     * Derives {@code length} octets for {@code label} from a master key (16, 24 or 32 octets) and a
     * master salt (12 or 14 octets).
     */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterSalt.length != 12 && masterSalt.length != PRF_SALT_LENGTH) {
            throw new IllegalArgumentException("master salt must be 12 or 14 octets, got " + masterSalt.length);
        }
        if (label < 0 || label > 0xFF || length < 0) {
            throw new IllegalArgumentException("bad label " + label + " or length " + length);
        }
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        iv[LABEL_OCTET] ^= (byte) label;
        byte[] out = new byte[length];
        new AesCounterMode(masterKey).xorKeystream(iv, out, 0, length);
        return out;
    }
}
