package io.atrium.server.sip;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless digest nonces: {@code hex(expiry seconds) || hex(HMAC-SHA256(key, expiry)[0..16])} under a
 * key made at start. Atrium keeps no table of issued nonces; a forged or altered nonce fails the MAC,
 * an old one is {@link State#STALE} (the phone retries with the fresh nonce of a new challenge).
 */
final class Nonces {

    /** How long a nonce may be used. */
    static final long LIFETIME_SECONDS = 300;
    private static final int MAC_BYTES = 16;

    enum State { VALID, STALE, INVALID }

    private final SecretKeySpec key;
    private final Clock clock;

    Nonces(Clock clock) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.clock = clock;
    }

    String issue() {
        long expiry = clock.instant().getEpochSecond() + LIFETIME_SECONDS;
        return HexFormat.of().toHexDigits(expiry) + HexFormat.of().formatHex(mac(expiry));
    }

    State check(String nonce) {
        if (nonce == null || nonce.length() != 16 + 2 * MAC_BYTES) {
            return State.INVALID;
        }
        long expiry;
        byte[] given;
        try {
            expiry = expiry(nonce);
            given = HexFormat.of().parseHex(nonce, 16, nonce.length());
        } catch (IllegalArgumentException e) {
            return State.INVALID;
        }
        if (!MessageDigest.isEqual(mac(expiry), given)) {
            return State.INVALID;
        }
        return clock.instant().getEpochSecond() <= expiry ? State.VALID : State.STALE;
    }

    /** The last second (epoch) a nonce of this form is valid in; check it first. */
    static long expiry(String nonce) {
        return HexFormat.fromHexDigitsToLong(nonce, 0, 16);
    }

    private byte[] mac(long expiry) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(ByteBuffer.allocate(8).putLong(expiry).array()), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
