package io.atrium.server.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a bound configuration and applies the dev-mode rules. All problems are reported at once,
 * each naming its key and what to do.
 */
final class ConfigValidator {

    /** The well-known development credentials, accepted only with {@code --dev}. */
    static final String DEV_KEY = "devkey";
    static final String DEV_SECRET = "secret";
    /** RFC 7518 §3.2: an HS256 key must be at least as long as the hash. */
    static final int MIN_SECRET_LENGTH = 32;
    static final long MIN_BODY_BYTES = 1024;

    AtriumConfig validate(AtriumConfig c) {
        List<String> problems = new ArrayList<>();
        port(problems, "http.port", c.http().port());
        port(problems, "rtc.port", c.rtc().port());
        if (c.rtc().consentTimeoutSeconds() < 1 || c.rtc().connectTimeoutSeconds() < 1) {
            problems.add("rtc.consent_timeout_seconds and rtc.connect_timeout_seconds must be at least 1");
        }
        for (String a : c.rtc().announcedAddresses()) {
            if (a.isBlank() || a.contains(" ")) {
                problems.add("rtc.announced_addresses: '" + a + "' is not an IP address or host name");
            }
        }
        var r = c.rooms();
        if (r.mediaTimeoutSeconds() < 1 || r.reconnectGraceSeconds() < 0 || r.maxMessageBytes() < 1024 || r.messagesPerSecond() < 1) {
            problems.add("rooms: media_timeout_seconds >= 1, reconnect_grace_seconds >= 0, max_message_bytes >= 1024"
                    + " and messages_per_second >= 1 are required");
        }
        if (c.http().host().isBlank()) {
            problems.add("http.host is empty; use 0.0.0.0 to listen everywhere or an address such as 127.0.0.1");
        }
        if (c.http().maxBodyBytes() < MIN_BODY_BYTES) {
            problems.add("http.max_body_bytes must be at least " + MIN_BODY_BYTES + ", got " + c.http().maxBodyBytes());
        }
        if (c.http().shutdownGraceSeconds() < 0) {
            problems.add("http.shutdown_grace_seconds must not be negative");
        }
        if (c.dataDir().isBlank()) {
            problems.add("data_dir is empty; give a directory for the embedded database and files");
        }
        String url = c.database().url();
        if (!url.isEmpty() && !url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            problems.add("database.url '" + url + "' is not supported; use jdbc:postgresql://host:5432/db,"
                    + " jdbc:h2:..., or leave it empty for the embedded database");
        }
        if (c.files().maxUploadBytes() < 1) {
            problems.add("files.max_upload_bytes must be at least 1, got " + c.files().maxUploadBytes());
        }
        if (c.files().urlTtlSeconds() < 1) {
            problems.add("files.url_ttl_seconds must be at least 1, got " + c.files().urlTtlSeconds());
        }
        if (c.database().maxPoolSize() < 1) {
            problems.add("database.max_pool_size must be at least 1");
        }
        long ttl = c.auth().tokenTtlSeconds();
        long maxTtl = c.auth().maxTokenTtlSeconds();
        if (ttl < 1 || maxTtl < 1 || ttl > maxTtl) {
            problems.add("auth.token_ttl_seconds (" + ttl + ") must be between 1 and auth.max_token_ttl_seconds (" + maxTtl + ")");
        }
        Map<String, String> keys = new LinkedHashMap<>(c.auth().apiKeys());
        if (c.isDev()) {
            keys.putIfAbsent(DEV_KEY, DEV_SECRET);
        } else {
            checkProductionKeys(problems, keys);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
        if (!c.isDev()) {
            return c;
        }
        var http = new AtriumConfig.Http("127.0.0.1", c.http().port(), c.http().maxBodyBytes(), c.http().shutdownGraceSeconds());
        var auth = new AtriumConfig.Auth(keys, ttl, maxTtl);
        return new AtriumConfig(true, c.dataDir(), http, c.rtc(), c.database(), auth, c.rooms(), c.files());
    }

    private static void checkProductionKeys(List<String> problems, Map<String, String> keys) {
        if (keys.isEmpty()) {
            problems.add("auth.api_keys is empty: set at least one 'key: secret' pair (secret of "
                    + MIN_SECRET_LENGTH + "+ characters), or run with --dev");
        }
        keys.forEach((key, secret) -> {
            if (key.equals(DEV_KEY) || DEV_SECRET.equals(secret)) {
                problems.add("auth.api_keys." + key + ": the development credentials devkey/secret are refused"
                        + " outside --dev; generate your own, e.g. with 'openssl rand -base64 32'");
            } else if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
                problems.add("auth.api_keys." + key + ": the secret must have at least " + MIN_SECRET_LENGTH
                        + " characters; generate one with 'openssl rand -base64 32'");
            }
        });
    }

    private static void port(List<String> problems, String key, int port) {
        if (port < 0 || port > 65535) {
            problems.add(key + " must be a port number between 1 and 65535 (0 picks a free port), got " + port);
        }
    }
}
