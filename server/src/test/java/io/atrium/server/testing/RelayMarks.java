package io.atrium.server.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Relay marks as versions before nonces made them (docs/SCALING.md, "The relay mark"): what a rolling upgrade meets. */
public final class RelayMarks {

    private RelayMarks() {
    }

    /** {@code t=<t>,v=<hex HMAC-SHA256 of "METHOD\n/path?query\nt">} under {@code secret}: genuine then, no nonce. */
    public static String beforeNonces(String secret, String method, String target, long t) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] v = mac.doFinal((method + "\n" + target + "\n" + t).getBytes(StandardCharsets.UTF_8));
            return "t=" + t + ",v=" + HexFormat.of().formatHex(v);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
