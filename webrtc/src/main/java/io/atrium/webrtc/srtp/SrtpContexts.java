package io.atrium.webrtc.srtp;

import java.util.Arrays;
import java.util.Objects;

/**
 * The two {@link SrtpContext}s of one DTLS-SRTP association, built from the DTLS exporter output
 * ("EXTRACTOR-dtls_srtp", RFC 5764 section 4.2):
 * <pre>
 * client_write_SRTP_master_key | server_write_SRTP_master_key |
 * client_write_SRTP_master_salt | server_write_SRTP_master_salt
 * </pre>
 * The client protects with the client keys and unprotects with the server keys; the server the
 * reverse.
 *
 * @param outbound protects what this side sends
 * @param inbound  unprotects what the peer sends
 */
public record SrtpContexts(SrtpContext outbound, SrtpContext inbound) {

    public SrtpContexts {
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(inbound, "inbound");
    }

    /** Contexts for the DTLS client side. */
    public static SrtpContexts forClient(SrtpProfile profile, byte[] keyingMaterial) {
        return split(profile, keyingMaterial, true);
    }

    /** Contexts for the DTLS server side. */
    public static SrtpContexts forServer(SrtpProfile profile, byte[] keyingMaterial) {
        return split(profile, keyingMaterial, false);
    }

    private static SrtpContexts split(SrtpProfile profile, byte[] material, boolean client) {
        Objects.requireNonNull(profile, "profile");
        if (material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException(profile + " needs " + profile.keyingMaterialLength()
                    + " octets of keying material, got " + material.length);
        }
        int keyLength = profile.masterKeyLength();
        int saltLength = profile.masterSaltLength();
        byte[] clientKey = Arrays.copyOfRange(material, 0, keyLength);
        byte[] serverKey = Arrays.copyOfRange(material, keyLength, 2 * keyLength);
        byte[] clientSalt = Arrays.copyOfRange(material, 2 * keyLength, 2 * keyLength + saltLength);
        byte[] serverSalt = Arrays.copyOfRange(material, 2 * keyLength + saltLength, 2 * (keyLength + saltLength));
        try {
            SrtpContext clientWrite = new SrtpContext(profile, clientKey, clientSalt);
            SrtpContext serverWrite = new SrtpContext(profile, serverKey, serverSalt);
            return client ? new SrtpContexts(clientWrite, serverWrite) : new SrtpContexts(serverWrite, clientWrite);
        } finally {
            Arrays.fill(clientKey, (byte) 0);
            Arrays.fill(serverKey, (byte) 0);
        }
    }
}
