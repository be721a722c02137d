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
 * Stateless digest nonces, one per challenge: {@code hex(expiry seconds) || hex(8 random bytes) ||
 * hex(HMAC-SHA256(key, expiry || random)[0..16])} under a key made at start. Atrium keeps no table of issued
 * nonces; a forged or altered nonce fails the MAC, an old one is {@link State#STALE} (the phone retries with the
 * fresh nonce of a new challenge). The random part makes every challenge's nonce its own, so two phones challenged
 * in the same second, even with the same user and a predictable cnonce (SIPp's is always {@code 6b8b4567}), never
 * send the same credential, which {@link ReplayCache} would take for a replay.
 */
final class Nonces {

    /** How long a nonce may be used. */
    static final long LIFETIME_SECONDS = 300;
    private static final int RANDOM_BYTES = 8;
    private static final int MAC_BYTES = 16;
    private static final int LENGTH = 16 + 2 * RANDOM_BYTES + 2 * MAC_BYTES;

    enum State { VALID, STALE, INVALID }

    private final SecretKeySpec key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    Nonces(Clock clock) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.clock = clock;
    }

    String issue() {
        long expiry = clock.instant().getEpochSecond() + LIFETIME_SECONDS;
        byte[] unique = new byte[RANDOM_BYTES];
        random.nextBytes(unique);
        return HexFormat.of().toHexDigits(expiry) + HexFormat.of().formatHex(unique)
                + HexFormat.of().formatHex(mac(expiry, unique));
    }

    State check(String nonce) {
        if (nonce == null || nonce.length() != LENGTH) {
            return State.INVALID;
        }
        long expiry;
        byte[] unique;
        byte[] given;
        try {
            expiry = expiry(nonce);
            unique = HexFormat.of().parseHex(nonce, 16, 16 + 2 * RANDOM_BYTES);
            given = HexFormat.of().parseHex(nonce, 16 + 2 * RANDOM_BYTES, LENGTH);
        } catch (IllegalArgumentException e) {
            return State.INVALID;
        }
        if (!MessageDigest.isEqual(mac(expiry, unique), given)) {
            return State.INVALID;
        }
        return clock.instant().getEpochSecond() <= expiry ? State.VALID : State.STALE;
    }

    /** The last second (epoch) a nonce of this form is valid in; check it first. */
    static long expiry(String nonce) {
        return HexFormat.fromHexDigitsToLong(nonce, 0, 16);
    }

    private byte[] mac(long expiry, byte[] unique) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(ByteBuffer.allocate(8 + RANDOM_BYTES).putLong(expiry).put(unique).array()),
                    MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
