package io.atrium.webrtc.dtls;

import java.util.Arrays;

/**
 * One direction's SRTP master key and master salt (RFC 3711 section 8.2), sliced from the DTLS-SRTP
 * exporter output by {@link SrtpKeyingMaterial} (RFC 5764 section 4.2).
 *
 * <p>Immutable: accessors return copies. {@link #toString()} never prints the secret bytes.
 */
public final class SrtpMasterKey {

    private final byte[] key;
    private final byte[] salt;

    SrtpMasterKey(byte[] key, byte[] salt) {
        this.key = key;
        this.salt = salt;
    }

    /** A copy of the master key. */
    public byte[] key() {
        return key.clone();
    }

    /** A copy of the master salt. */
    public byte[] salt() {
        return salt.clone();
    }

    /** Master key length in bytes. */
    public int keyLength() {
        return key.length;
    }

    /** Master salt length in bytes. */
    public int saltLength() {
        return salt.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpMasterKey other && Arrays.equals(key, other.key) && Arrays.equals(salt, other.salt);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(salt);
    }

    @Override
    public String toString() {
        return "SrtpMasterKey[key=" + key.length + " bytes, salt=" + salt.length + " bytes]";
    }
}
