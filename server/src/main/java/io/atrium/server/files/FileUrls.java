package io.atrium.server.files;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring playback URLs: {@code /files/<file id>?expires=<unix seconds>&sig=<base64url>},
 * where {@code sig = HMAC-SHA256(K, "atrium file url v1\n" + file id + "\n" + expires)} and
 * {@code K = HMAC-SHA256(API secret, "atrium file url key v1")}: derived from an API key's secret
 * like access tokens are, so neither can pass for the other. URLs are signed with the first API key
 * in name order and verified against every configured key, so rotating keys keeps old URLs valid as
 * long as their key stays configured. The URL carries no key name and no room id.
 */
public final class FileUrls {

    public static final String PATH_PREFIX = "/files/";
    private static final byte[] KEY_LABEL = "atrium file url key v1".getBytes(StandardCharsets.US_ASCII);

    private final List<byte[]> keys;
    private final long ttlSeconds;
    private final Clock clock;

    public FileUrls(Map<String, String> apiKeys, long ttlSeconds, Clock clock) {
        if (apiKeys.isEmpty()) {
            throw new IllegalArgumentException("signing playback URLs needs at least one API key");
        }
        this.keys = new TreeMap<>(apiKeys).values().stream().map(FileUrls::derive).toList();
        this.ttlSeconds = ttlSeconds;
        this.clock = clock;
    }

    /** A signed URL and when it stops working. */
    public record Signed(String url, Instant expiresAt) {
    }

    public Signed sign(UUID fileId) {
        long expires = clock.instant().getEpochSecond() + ttlSeconds;
        return new Signed(PATH_PREFIX + fileId + "?expires=" + expires + "&sig=" + signature(keys.get(0), fileId, expires),
                Instant.ofEpochSecond(expires));
    }

    /** Checks {@code expires} and {@code sig} of a URL for {@code fileId}; throws {@code UNAUTHORIZED} saying why not. */
    public void verify(UUID fileId, String expires, String sig) {
        long at;
        try {
            at = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw unauthorized("the playback URL's expires is not a number");
        }
        byte[] given = sig.getBytes(StandardCharsets.US_ASCII);
        boolean valid = false;
        for (byte[] key : keys) {
            valid |= MessageDigest.isEqual(signature(key, fileId, at).getBytes(StandardCharsets.US_ASCII), given);
        }
        if (!valid) {
            throw unauthorized("the playback URL's signature is invalid");
        }
        if (clock.instant().getEpochSecond() >= at) {
            throw unauthorized("the playback URL has expired; list the files again for a fresh one");
        }
    }

    private static FileException unauthorized(String message) {
        return new FileException(FileException.Kind.UNAUTHORIZED, message);
    }

    private static String signature(byte[] key, UUID fileId, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal(("atrium file url v1\n" + fileId + "\n" + expires).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] derive(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(KEY_LABEL);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
