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
        int shards = c.rtc().mediaThreads();
        if (shards < 1 || shards > io.atrium.server.sfu.Shards.MAX) {
            problems.add("rtc.media_threads must be between 1 and " + io.atrium.server.sfu.Shards.MAX + " (got " + shards + ")");
        } else if (c.rtc().port() > 0 && c.rtc().port() + shards - 1 > 65535) {
            problems.add("rtc.port + rtc.media_threads - 1 must be at most 65535: shard i listens on rtc.port + i (got "
                    + c.rtc().port() + " and " + shards + ")");
        }
        if (c.rtc().consentTimeoutSeconds() < 1 || c.rtc().connectTimeoutSeconds() < 1) {
            problems.add("rtc.consent_timeout_seconds and rtc.connect_timeout_seconds must be at least 1");
        }
        if (c.rtc().maxPublishedTracks() < 1 || c.rtc().maxPendingPeersPerIdentity() < 1 || c.rtc().maxPendingPeersPerAddress() < 1
                || c.rtc().tcpConnectionsPerAddress() < 1) {
            problems.add("rtc.max_published_tracks, rtc.max_pending_peers_per_identity, rtc.max_pending_peers_per_address"
                    + " and rtc.tcp_connections_per_address must be at least 1");
        }
        for (String o : c.rtc().allowedOrigins()) {
            if (!o.equals("*") && !o.matches("https?://[^/\\s]+")) {
                problems.add("rtc.allowed_origins: '" + o + "' is not * or an origin such as https://app.example.com");
            }
        }
        for (String a : c.rtc().announcedAddresses()) {
            if (a.isBlank() || a.contains(" ")) {
                problems.add("rtc.announced_addresses: '" + a + "' is not an IP address or host name");
            }
        }
        var bwe = c.rtc().bwe();
        if (bwe.minKbps() < 30 || bwe.initialKbps() < bwe.minKbps() || bwe.maxKbps() < bwe.initialKbps()) {
            problems.add("rtc.bwe: 30 <= min_kbps <= initial_kbps <= max_kbps is required (got " + bwe.minKbps() + ", "
                    + bwe.initialKbps() + ", " + bwe.maxKbps() + ")");
        }
        if (c.rtc().dynacast().pauseAfterSeconds() < 1 || c.rtc().dynacast().pauseAfterSeconds() > 300) {
            problems.add("rtc.dynacast.pause_after_seconds must be between 1 and 300 (got "
                    + c.rtc().dynacast().pauseAfterSeconds() + ")");
        }
        var r = c.rooms();
        if (r.mediaTimeoutSeconds() < 1 || r.reconnectGraceSeconds() < 0 || r.maxMessageBytes() < 1024 || r.messagesPerSecond() < 1
                || r.socketsPerAddress() < 1) {
            problems.add("rooms: media_timeout_seconds >= 1, reconnect_grace_seconds >= 0, max_message_bytes >= 1024,"
                    + " messages_per_second >= 1 and sockets_per_address >= 1 are required");
        }
        if (r.maxWaiting() < 1 || r.failedPasswordsPerAddress() < 1 || r.failedPasswordsPerRoom() < 1
                || r.failedPasswordWindowSeconds() < 1 || r.passwordHashThreads() < 1 || r.passwordHashQueue() < 1
                || r.tokenExpiryWarningSeconds() < 0) {
            problems.add("rooms: max_waiting, failed_passwords_per_address, failed_passwords_per_room,"
                    + " failed_password_window_seconds, password_hash_threads and password_hash_queue must be >= 1,"
                    + " token_expiry_warning_seconds >= 0");
        }
        if (r.maxPublishKbps() < 100 || r.maxPublishKbps() > 100_000) {
            problems.add("rooms.max_publish_kbps must be between 100 and 100000 (got " + r.maxPublishKbps() + ")");
        }
        compat(problems, c.compat());
        sip(problems, c.sip());
        cluster(problems, c.cluster());
        turn(problems, c.turn());
        webhooks(problems, c.webhooks());
        tls(problems, c.http().tls(), c.http().port());
        videoCall(problems, c.videoCall(), c.auth().maxTokenTtlSeconds());
        if (c.http().host().isBlank()) {
            problems.add("http.host is empty; use 0.0.0.0 to listen everywhere or an address such as 127.0.0.1");
        }
        if (c.http().maxBodyBytes() < MIN_BODY_BYTES) {
            problems.add("http.max_body_bytes must be at least " + MIN_BODY_BYTES + ", got " + c.http().maxBodyBytes());
        }
        if (c.http().shutdownGraceSeconds() < 0) {
            problems.add("http.shutdown_grace_seconds must not be negative");
        }
        for (String proxy : c.http().trustedProxies()) {
            if (!AddressPatterns.valid(proxy)) {
                problems.add("http.trusted_proxies: '" + proxy + "' is not an IP address, CIDR block (10.0.0.0/8) or range (a-b)");
            }
        }
        if (c.http().failedAttemptsPerMinute() < 1 || c.http().facadeRequestsPerMinute() < 1) {
            problems.add("http.failed_attempts_per_minute and http.facade_requests_per_minute must be at least 1");
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
        if (c.files().maxRoomBytes() < 1 || c.files().maxTotalBytes() < 1 || c.files().uploadsPerMinute() < 1) {
            problems.add("files.max_room_bytes, files.max_total_bytes and files.uploads_per_minute must be at least 1");
        }
        if (c.files().maxRecordings() < 1 || c.files().maxRecordingSeconds() < 1) {
            problems.add("files.max_recordings and files.max_recording_seconds must be at least 1");
        }
        if (!List.of("", AtriumConfig.Files.LOCAL, AtriumConfig.Files.DATABASE).contains(c.files().storage())) {
            problems.add("files.storage must be local, database or empty (database with a cluster, else local), got '"
                    + c.files().storage() + "'");
        }
        if (c.files().urlTtlSeconds() < 1) {
            problems.add("files.url_ttl_seconds must be at least 1, got " + c.files().urlTtlSeconds());
        }
        if (c.database().maxPoolSize() < 1) {
            problems.add("database.max_pool_size must be at least 1");
        }
        if (c.database().connectTimeoutSeconds() < 1) {
            problems.add("database.connect_timeout_seconds must be at least 1, got " + c.database().connectTimeoutSeconds());
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
        var auth = new AtriumConfig.Auth(keys, ttl, maxTtl);
        return new AtriumConfig(true, c.dataDir(), c.http().forDev(), c.rtc().withHost(""), c.database(), auth, c.rooms(),
                c.compat().forDev(), c.videoCall(), c.files(), c.turn(), c.metrics(), c.sip().forDev(), c.webhooks(), c.cluster());
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

    private static void compat(List<String> problems, Compat c) {
        try {
            c.live().expiry();
        } catch (java.time.format.DateTimeParseException e) {
            problems.add("compat.live.passcode_expires_at '" + c.live().passcodeExpiresAt()
                    + "' is not an ISO-8601 instant such as 2030-01-31T18:00:00Z (or empty for never)");
        }
        if (c.live().emptyStreamTimeoutSeconds() < 1) {
            problems.add("compat.live.empty_stream_timeout_seconds must be at least 1");
        }
        if (c.meetings().idDigits() < 1 || c.meetings().idDigits() > 15) {
            problems.add("compat.meetings.id_digits must be from 1 to 15 (exact as a JSON number), got " + c.meetings().idDigits());
        }
    }

    private static void videoCall(List<String> problems, AtriumConfig.VideoCall v, long maxTtl) {
        if (!v.globalRoom().isEmpty() && !v.globalRoom().matches("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")) {
            problems.add("video_call.global_room '" + v.globalRoom() + "' is not a room uuid; create the room with"
                    + " POST /v1/rooms and put its uuid here, or leave it empty");
        }
        if (!v.publicUrl().isEmpty() && !v.publicUrl().matches("https?://[^/\\s]+(/\\S*)?")) {
            problems.add("video_call.public_url '" + v.publicUrl() + "' must be an http(s) URL such as"
                    + " https://meet.example.com, or empty to use the request's host");
        }
        for (String origin : v.allowedOrigins()) {
            if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                problems.add("video_call.allowed_origins: '" + origin + "' is not an origin (scheme://host[:port], no path) or *");
            }
        }
        if (v.tokenTtlSeconds() < 60 || v.tokenTtlSeconds() > maxTtl) {
            problems.add("video_call.token_ttl_seconds (" + v.tokenTtlSeconds() + ") must be between 60 and"
                    + " auth.max_token_ttl_seconds (" + maxTtl + ")");
        }
        if (v.sessionsPerMinute() < 1 || v.tokensPerMinute() < 1 || v.controlsPerMinute() < 1) {
            problems.add("video_call: sessions_per_minute, tokens_per_minute and controls_per_minute must be at least 1");
        }
    }

    private static void cluster(List<String> problems, AtriumConfig.Cluster c) {
        if (!c.enabled()) {
            return;
        }
        if (!c.redisUrl().matches("rediss?://[^\\s]+")) {
            problems.add("cluster.redis_url '" + c.redisUrl() + "' is not a redis:// or rediss:// URL such as redis://10.0.0.9:6379/0");
        }
        if (!c.nodeId().matches("[A-Za-z0-9._-]{0,64}")) {
            problems.add("cluster.node_id may only hold letters, digits and . _ - (up to 64), got '" + c.nodeId() + "'");
        }
        if (!c.publicUrl().isEmpty() && !c.publicUrl().matches("https?://[^\\s/]+")) {
            problems.add("cluster.public_url '" + c.publicUrl() + "' must be http(s)://host[:port] with no path, e.g. https://node1.example.com");
        }
        if (c.drainTimeoutSeconds() < 0) {
            problems.add("cluster.drain_timeout_seconds must be 0 or more, got " + c.drainTimeoutSeconds());
        }
        if (c.heartbeatMillis() < 100 || c.nodeTtlMillis() < 2 * c.heartbeatMillis() || c.leaseMillis() < c.nodeTtlMillis()) {
            problems.add("cluster: need heartbeat_millis >= 100, node_ttl_millis >= 2 x heartbeat_millis and lease_millis >= node_ttl_millis"
                    + ", got " + c.heartbeatMillis() + ", " + c.nodeTtlMillis() + ", " + c.leaseMillis());
        }
    }

    private static void sip(List<String> problems, AtriumConfig.Sip s) {
        port(problems, "sip.port", s.port());
        if (s.host().isBlank()) {
            problems.add("sip.host is empty; use 0.0.0.0 to listen everywhere or an address such as 127.0.0.1");
        }
        if (!s.realm().matches("[A-Za-z0-9.@_-]{1,64}")) {
            problems.add("sip.realm '" + s.realm() + "' may only hold letters, digits and . @ _ - (1 to 64)");
        }
        if (s.minExpiresSeconds() < 1 || s.maxExpiresSeconds() < s.minExpiresSeconds()) {
            problems.add("sip.min_expires_seconds must be at least 1 and at most sip.max_expires_seconds");
        }
        if (s.authFailuresPerMinute() < 1 || s.ringTimeoutSeconds() < 1) {
            problems.add("sip.auth_failures_per_minute and sip.ring_timeout_seconds must be at least 1");
        }
        if (s.invitesPerMinute() < 1 || s.maxOutboundDials() < 1 || s.maxOutboundDialsPerRoom() < 1) {
            problems.add("sip.invites_per_minute, sip.max_outbound_dials and sip.max_outbound_dials_per_room must be at least 1");
        }
        boolean anyPort = s.rtpPortMin() == 0 && s.rtpPortMax() == 0;
        if (!anyPort && (s.rtpPortMin() < 1024 || s.rtpPortMax() > 65535 || s.rtpPortMax() - s.rtpPortMin() < 3)) {
            problems.add("sip.rtp_port_min/rtp_port_max must be a range of at least 4 ports within 1024-65535, or both 0"
                    + " for any free port");
        }
        if (s.digestAlgorithms().isEmpty() || !List.of("SHA-256", "MD5").containsAll(s.digestAlgorithms())) {
            problems.add("sip.digest_algorithms must list SHA-256 and/or MD5 (most preferred first), got " + s.digestAlgorithms());
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < s.trunks().size(); i++) {
            AtriumConfig.Trunk t = s.trunks().get(i);
            String key = "sip.trunks[" + i + "]";
            if (!t.name().matches("[A-Za-z0-9_-]{1,32}") || !names.add(t.name())) {
                problems.add(key + ".name must be a unique name of letters, digits, _ and - (1 to 32)");
            }
            if (!t.address().matches("[A-Za-z0-9.:\\[\\]-]+:[0-9]{1,5}")) {
                problems.add(key + ".address '" + t.address() + "' must be host:port, e.g. sip.example.com:5060");
            }
            if (!t.transport().equals("udp") && !t.transport().equals("tcp")) {
                problems.add(key + ".transport must be udp or tcp, got '" + t.transport() + "'");
            }
            if (!t.callerId().isEmpty() && !t.callerId().matches("[0-9*#+]{1,32}")) {
                problems.add(key + ".caller_id may only contain digits, * # + (1 to 32)");
            }
            t.inbound().forEach((number, exten) -> {
                if (!number.matches("[0-9*#+]{1,32}") || !exten.matches("[0-9*#+]{1,32}")) {
                    problems.add(key + ".inbound: '" + number + "' -> '" + exten + "' must map a number to an extension"
                            + " (digits, * # +)");
                }
            });
        }
    }

    private static void turn(List<String> problems, AtriumConfig.Turn t) {
        boolean relays = false;
        for (String url : t.urls()) {
            if (!url.matches("(turns?|stuns?):[^\\s<>\"]+")) {
                problems.add("turn.urls: '" + url + "' is not a turn:, turns: or stun: URL such as turn:turn.example.com:3478?transport=udp");
            }
            relays |= url.startsWith("turn");
        }
        if (relays && t.secret().isBlank()) {
            problems.add("turn.secret is empty: set coturn's static-auth-secret here (coturn runs with use-auth-secret)");
        }
        if (t.ttlSeconds() < 60) {
            problems.add("turn.ttl_seconds must be at least 60, got " + t.ttlSeconds());
        }
    }

    private static void webhooks(List<String> problems, AtriumConfig.Webhooks w) {
        for (String url : w.urls()) {
            if (!url.matches("https?://[^\\s]+")) {
                problems.add("webhooks.urls: '" + url + "' is not an http:// or https:// URL");
            }
        }
        if (w.enabled()) {
            try {
                int n = w.secretBytes().length;
                if (n < 24 || n > 64) {
                    problems.add("webhooks.secret must hold 24 to 64 bytes, got " + n);
                }
            } catch (IllegalArgumentException e) {
                problems.add("webhooks.secret must be whsec_ followed by base64 (Standard Webhooks); make one with"
                        + " echo whsec_$(openssl rand -base64 32)");
            }
        }
        if (w.timeoutSeconds() < 1 || w.maxAttempts() < 1 || w.initialBackoffSeconds() < 1
                || w.maxBackoffSeconds() < w.initialBackoffSeconds() || w.maxInFlightPerUrl() < 1 || w.maxBodyBytes() < 1024) {
            problems.add("webhooks: timeout_seconds, max_attempts, initial_backoff_seconds and max_in_flight_per_url must be"
                    + " at least 1, max_backoff_seconds at least initial_backoff_seconds, max_body_bytes at least 1024");
        }
    }

    private static void tls(List<String> problems, AtriumConfig.Tls tls, int httpPort) {
        if (tls.certFile().isEmpty() != tls.keyFile().isEmpty()) {
            problems.add("http.tls: set both cert_file and key_file (PEM), or neither");
        }
        if (tls.redirectPort() != 0 && !tls.enabled()) {
            problems.add("http.tls.redirect_port needs http.tls.cert_file and key_file (it redirects to HTTPS)");
        }
        if (tls.redirectPort() < 0 || tls.redirectPort() > 65535 || tls.redirectPort() != 0 && tls.redirectPort() == httpPort) {
            problems.add("http.tls.redirect_port must be a free port other than http.port (0: no redirect), got " + tls.redirectPort());
        }
    }

    private static void port(List<String> problems, String key, int port) {
        if (port < 0 || port > 65535) {
            problems.add(key + " must be a port number between 1 and 65535 (0 picks a free port), got " + port);
        }
    }
}
