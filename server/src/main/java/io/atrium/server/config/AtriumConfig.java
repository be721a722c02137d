package io.atrium.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Atrium's whole configuration: typed defaults, overlaid by one YAML file, then {@code ATRIUM_*}
 * environment variables, then command-line flags (see {@link ConfigLoader}). Every key is documented
 * in {@code atrium.sample.yaml}. Records are bound strictly: an unknown key is an error.
 */
public record AtriumConfig(Boolean dev, String dataDir, Http http, Rtc rtc, Database database, Auth auth, Rooms rooms,
                           Compat compat, VideoCall videoCall, Files files, Turn turn, Metrics metrics, Sip sip,
                           Webhooks webhooks, Cluster cluster) {

    public AtriumConfig {
        dev = dev != null && dev;
        dataDir = dataDir != null ? dataDir : "./atrium-data";
        http = http != null ? http : new Http(null, null, null, null, null, null, null, null, null);
        rtc = rtc != null ? rtc : new Rtc(null, null, null, null);
        database = database != null ? database : new Database(null, null, null, null);
        auth = auth != null ? auth : new Auth(null, null, null);
        rooms = rooms != null ? rooms : new Rooms(null, null, null, null);
        compat = compat != null ? compat : new Compat(null, null);
        videoCall = videoCall != null ? videoCall : new VideoCall(null, null, null, null, null, null, null, null);
        files = files != null ? files : new Files(null, null, null);
        turn = turn != null ? turn : new Turn(null, null, null);
        metrics = metrics != null ? metrics : new Metrics(null, null);
        sip = sip != null ? sip : Sip.off();
        webhooks = webhooks != null ? webhooks : new Webhooks(null, null, null, null, null, null, null, null);
        cluster = cluster != null ? cluster : new Cluster(null, null, null, null, null, null, null);
    }

    /** The fourteen-argument form: one node, no cluster. */
    public AtriumConfig(Boolean dev, String dataDir, Http http, Rtc rtc, Database database, Auth auth, Rooms rooms,
                        Compat compat, VideoCall videoCall, Files files, Turn turn, Metrics metrics, Sip sip, Webhooks webhooks) {
        this(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip, webhooks, null);
    }

    /** This configuration with other cluster settings. */
    public AtriumConfig withCluster(Cluster cluster) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** The thirteen-argument form, with no webhooks. */
    public AtriumConfig(Boolean dev, String dataDir, Http http, Rtc rtc, Database database, Auth auth, Rooms rooms,
                        Compat compat, VideoCall videoCall, Files files, Turn turn, Metrics metrics, Sip sip) {
        this(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip, null);
    }

    /** This configuration with other webhook settings. */
    public AtriumConfig withWebhooks(Webhooks webhooks) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** The twelve-argument form, with SIP off. */
    public AtriumConfig(Boolean dev, String dataDir, Http http, Rtc rtc, Database database, Auth auth, Rooms rooms,
                        Compat compat, VideoCall videoCall, Files files, Turn turn, Metrics metrics) {
        this(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, null);
    }

    /** This configuration with other SIP settings. */
    public AtriumConfig withSip(Sip sip) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** The ten-argument form, with default TURN and metrics settings. */
    public AtriumConfig(Boolean dev, String dataDir, Http http, Rtc rtc, Database database, Auth auth, Rooms rooms,
                        Compat compat, VideoCall videoCall, Files files) {
        this(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, null, null);
    }

    /** The seven-argument form, with default compat, video-call and file settings. */
    public AtriumConfig(Boolean dev, String dataDir, Http http, Rtc rtc, Database database, Auth auth, Rooms rooms) {
        this(dev, dataDir, http, rtc, database, auth, rooms, null, null, null);
    }

    /** This configuration with other compat (000, 001) settings. */
    public AtriumConfig withCompat(Compat compat) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** This configuration with other video-call (003, 004) settings. */
    public AtriumConfig withVideoCall(VideoCall videoCall) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** The old six-argument form, with default room settings. */
    public AtriumConfig(Boolean dev, String dataDir, Http http, Rtc rtc, Database database, Auth auth) {
        this(dev, dataDir, http, rtc, database, auth, null);
    }

    /** Defaults, as if every key were absent. */
    public static AtriumConfig defaults() {
        return new AtriumConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean isDev() {
        return dev;
    }

    public Path dataPath() {
        return Path.of(dataDir);
    }

    /** This configuration with other room settings. */
    public AtriumConfig withRooms(Rooms rooms) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** This configuration with other media settings. */
    public AtriumConfig withRtc(Rtc rtc) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** This configuration with other HTTP settings. */
    public AtriumConfig withHttp(Http http) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** This configuration with other TURN settings. */
    public AtriumConfig withTurn(Turn turn) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** This configuration with other metrics settings. */
    public AtriumConfig withMetrics(Metrics metrics) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** This configuration with other file settings. */
    public AtriumConfig withFiles(Files files) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files, turn, metrics, sip,
                webhooks, cluster);
    }

    /** Where uploaded files live: {@code files.dir}, or {@code <data_dir>/files} when empty. */
    public Path filesPath() {
        return files.dir().isEmpty() ? dataPath().resolve("files") : Path.of(files.dir());
    }

    /**
     * Where uploads to the database ({@code files.storage: database}) are received first: {@code <data_dir>/upload-tmp},
     * this node's own, since {@code files.dir} may be shared between nodes and each node empties it at start.
     */
    public Path uploadTempPath() {
        return dataPath().resolve("upload-tmp");
    }

    /**
     * Whether file bytes are stored in the database: {@code files.storage}, or when it is empty, whether this node is
     * part of a cluster (so that every node serves every file and a node's death loses none; docs/SCALING.md).
     */
    public boolean filesInDatabase() {
        return files.storage().isEmpty() ? cluster.enabled() : files.storage().equals(Files.DATABASE);
    }

    /**
     * The HTTP edge: REST, WebSocket, static web app. {@code trustedProxies}: peers whose
     * {@code X-Forwarded-For} names the client (addresses or CIDR blocks; empty: the TCP peer is the
     * client); {@code failedAttemptsPerMinute} and {@code facadeRequestsPerMinute}: per client address, on
     * the endpoints that check passcodes or look up guessable ids (docs/SECURITY.md, finding 9).
     * {@code browserApiKey}: whether the web app may keep an API key in a browser tab (off: people start
     * meetings by signing in with an Atrium account; on in {@code --dev}).
     */
    public record Http(String host, Integer port, Long maxBodyBytes, Integer shutdownGraceSeconds, Tls tls,
                       List<String> trustedProxies, Integer failedAttemptsPerMinute, Integer facadeRequestsPerMinute,
                       Boolean browserApiKey) {
        public Http {
            host = host != null ? host : "0.0.0.0";
            port = port != null ? port : 7880;
            maxBodyBytes = maxBodyBytes != null ? maxBodyBytes : 1_048_576L;
            shutdownGraceSeconds = shutdownGraceSeconds != null ? shutdownGraceSeconds : 10;
            tls = tls != null ? tls : new Tls(null, null, null);
            trustedProxies = trustedProxies != null ? List.copyOf(trustedProxies) : List.of();
            failedAttemptsPerMinute = failedAttemptsPerMinute != null ? failedAttemptsPerMinute : 10;
            facadeRequestsPerMinute = facadeRequestsPerMinute != null ? facadeRequestsPerMinute : 600;
            browserApiKey = browserApiKey != null && browserApiKey;
        }

        /** The eight-argument form: the web app keeps no API key in a browser. */
        public Http(String host, Integer port, Long maxBodyBytes, Integer shutdownGraceSeconds, Tls tls,
                    List<String> trustedProxies, Integer failedAttemptsPerMinute, Integer facadeRequestsPerMinute) {
            this(host, port, maxBodyBytes, shutdownGraceSeconds, tls, trustedProxies, failedAttemptsPerMinute,
                    facadeRequestsPerMinute, null);
        }

        public Http(String host, Integer port, Long maxBodyBytes, Integer shutdownGraceSeconds) {
            this(host, port, maxBodyBytes, shutdownGraceSeconds, null, null, null, null);
        }

        /** These settings on another listen address. */
        public Http withHost(String host) {
            return new Http(host, port, maxBodyBytes, shutdownGraceSeconds, tls, trustedProxies, failedAttemptsPerMinute,
                    facadeRequestsPerMinute, browserApiKey);
        }

        /** These settings as {@code --dev} runs them: on 127.0.0.1, the web app using the dev API key by itself. */
        public Http forDev() {
            return withHost("127.0.0.1").withBrowserApiKey(true);
        }

        /** These settings with the web app allowed (or not) to keep an API key in a browser. */
        public Http withBrowserApiKey(boolean allowed) {
            return new Http(host, port, maxBodyBytes, shutdownGraceSeconds, tls, trustedProxies, failedAttemptsPerMinute,
                    facadeRequestsPerMinute, allowed);
        }

        /** These settings with other client-address rules and limits. */
        public Http withLimits(List<String> trustedProxies, Integer failedAttemptsPerMinute, Integer facadeRequestsPerMinute) {
            return new Http(host, port, maxBodyBytes, shutdownGraceSeconds, tls, trustedProxies, failedAttemptsPerMinute,
                    facadeRequestsPerMinute, browserApiKey);
        }
    }

    /**
     * HTTPS and WSS served directly: a PEM certificate chain and private key, re-read when either file
     * changes. {@code redirectPort} (0: off) also listens with plain HTTP there and redirects to HTTPS.
     */
    public record Tls(String certFile, String keyFile, Integer redirectPort) {
        public Tls {
            certFile = certFile != null ? certFile : "";
            keyFile = keyFile != null ? keyFile : "";
            redirectPort = redirectPort != null ? redirectPort : 0;
        }

        public boolean enabled() {
            return !certFile.isEmpty();
        }
    }

    /**
     * TURN relays handed to clients (coturn's REST-credential scheme, {@code use-auth-secret}): the
     * {@code turn:}/{@code turns:}/{@code stun:} URLs, the shared {@code static-auth-secret}, and how
     * long a minted credential stays valid. No URLs: clients get no ICE servers.
     */
    public record Turn(List<String> urls, String secret, Long ttlSeconds) {
        public Turn {
            urls = urls != null ? List.copyOf(urls) : List.of();
            secret = secret != null ? secret : "";
            ttlSeconds = ttlSeconds != null ? ttlSeconds : 86_400L;
        }
    }

    /**
     * Many nodes (docs/SCALING.md): the Redis that holds the node registry, the room leases and the signal
     * relay ({@code redis_url}, e.g. {@code redis://10.0.0.9:6379/0}; empty: one node, nothing in Redis),
     * this node's id (empty: a random one at each start), the URL other nodes send clients to for rooms
     * this node owns ({@code public_url}; empty: {@code http://<http.host>:<http port>}), how often the
     * node heartbeats, how long a silent node stays listed, and how long a room's lease outlives its
     * owner's last renewal (the bound on moving a dead node's rooms).
     */
    public record Cluster(String redisUrl, String nodeId, String publicUrl, Integer heartbeatMillis, Integer nodeTtlMillis,
                          Integer leaseMillis, Integer drainTimeoutSeconds) {
        public Cluster {
            redisUrl = redisUrl != null ? redisUrl : "";
            nodeId = nodeId != null ? nodeId : "";
            publicUrl = publicUrl != null ? publicUrl : "";
            heartbeatMillis = heartbeatMillis != null ? heartbeatMillis : 1000;
            nodeTtlMillis = nodeTtlMillis != null ? nodeTtlMillis : 3000;
            leaseMillis = leaseMillis != null ? leaseMillis : 5000;
            drainTimeoutSeconds = drainTimeoutSeconds != null ? drainTimeoutSeconds : 30;
        }

        /** Whether this node is one of many (a Redis is configured). */
        public boolean enabled() {
            return !redisUrl.isEmpty();
        }
    }

    /**
     * The Prometheus endpoint {@code /metrics}: on or off, and the bearer token a scraper must send.
     * Without a token it is open in dev mode and closed (403) otherwise.
     */
    public record Metrics(Boolean enabled, String bearerToken) {
        public Metrics {
            enabled = enabled == null || enabled;
            bearerToken = bearerToken != null ? bearerToken : "";
        }
    }

    /**
     * The media plane: all peers on one UDP port, how long a silent or unfinished peer may stay, what
     * one peer may ask for (issue 11 finding 4: bounded tracks per publisher, bounded not-yet-connected
     * peers per identity and per client address), and the origins whose pages may call WHIP/WHEP
     * (CORS, RFC 9725 §4.9; {@code *} allows any, which is safe as tokens are bearer, never cookies).
     * {@code host}: the address the media port (UDP and ICE-TCP) binds; empty: {@code http.host}'s.
     */
    public record Rtc(Integer port, List<String> announcedAddresses, Integer consentTimeoutSeconds,
                      Integer connectTimeoutSeconds, Integer maxPublishedTracks, Integer maxPendingPeersPerIdentity,
                      Integer maxPendingPeersPerAddress, List<String> allowedOrigins, Bwe bwe, String host, Dynacast dynacast,
                      Integer mediaThreads, Integer tcpConnectionsPerAddress) {
        /** {@code media_threads} when unset: one media shard per core, at most 64. */
        public static int defaultMediaThreads() {
            return Math.min(Runtime.getRuntime().availableProcessors(), 64);
        }

        public Rtc {
            mediaThreads = mediaThreads != null ? mediaThreads : defaultMediaThreads();
            bwe = bwe != null ? bwe : new Bwe(null, null, null);
            dynacast = dynacast != null ? dynacast : new Dynacast(null, null);
            host = host != null ? host : "";
            port = port != null ? port : 7881;
            announcedAddresses = announcedAddresses != null ? List.copyOf(announcedAddresses) : List.of();
            consentTimeoutSeconds = consentTimeoutSeconds != null ? consentTimeoutSeconds : 30;
            connectTimeoutSeconds = connectTimeoutSeconds != null ? connectTimeoutSeconds : 20;
            maxPublishedTracks = maxPublishedTracks != null ? maxPublishedTracks : 8;
            maxPendingPeersPerIdentity = maxPendingPeersPerIdentity != null ? maxPendingPeersPerIdentity : 8;
            maxPendingPeersPerAddress = maxPendingPeersPerAddress != null ? maxPendingPeersPerAddress : 32;
            allowedOrigins = allowedOrigins != null ? List.copyOf(allowedOrigins) : List.of("*");
            tcpConnectionsPerAddress = tcpConnectionsPerAddress != null ? tcpConnectionsPerAddress : 64;
        }

        /** Everything but {@code tcp_connections_per_address}, which keeps its default. */
        public Rtc(Integer port, List<String> announcedAddresses, Integer consentTimeoutSeconds,
                   Integer connectTimeoutSeconds, Integer maxPublishedTracks, Integer maxPendingPeersPerIdentity,
                   Integer maxPendingPeersPerAddress, List<String> allowedOrigins, Bwe bwe, String host, Dynacast dynacast,
                   Integer mediaThreads) {
            this(port, announcedAddresses, consentTimeoutSeconds, connectTimeoutSeconds, maxPublishedTracks,
                    maxPendingPeersPerIdentity, maxPendingPeersPerAddress, allowedOrigins, bwe, host, dynacast, mediaThreads, null);
        }

        /** Port, addresses and timeouts; the limits and origins at their defaults. */
        public Rtc(Integer port, List<String> announcedAddresses, Integer consentTimeoutSeconds, Integer connectTimeoutSeconds) {
            this(port, announcedAddresses, consentTimeoutSeconds, connectTimeoutSeconds, null, null, null, null, null, null, null, null);
        }

        /** Everything but the downlink estimate and the host, which keep their defaults. */
        public Rtc(Integer port, List<String> announcedAddresses, Integer consentTimeoutSeconds, Integer connectTimeoutSeconds,
                   Integer maxPublishedTracks, Integer maxPendingPeersPerIdentity, Integer maxPendingPeersPerAddress,
                   List<String> allowedOrigins) {
            this(port, announcedAddresses, consentTimeoutSeconds, connectTimeoutSeconds, maxPublishedTracks,
                    maxPendingPeersPerIdentity, maxPendingPeersPerAddress, allowedOrigins, null, null, null, null);
        }

        /** The address the media port binds: {@code host}, or {@code httpHost} when it is empty. */
        public String bindHost(String httpHost) {
            return host.isEmpty() ? httpHost : host;
        }

        public Rtc withHost(String host) {
            return new Rtc(port, announcedAddresses, consentTimeoutSeconds, connectTimeoutSeconds, maxPublishedTracks,
                    maxPendingPeersPerIdentity, maxPendingPeersPerAddress, allowedOrigins, bwe, host, dynacast, mediaThreads,
                    tcpConnectionsPerAddress);
        }

        public Rtc withMediaThreads(int mediaThreads) {
            return new Rtc(port, announcedAddresses, consentTimeoutSeconds, connectTimeoutSeconds, maxPublishedTracks,
                    maxPendingPeersPerIdentity, maxPendingPeersPerAddress, allowedOrigins, bwe, host, dynacast, mediaThreads,
                    tcpConnectionsPerAddress);
        }

        public Rtc withDynacast(Dynacast dynacast) {
            return new Rtc(port, announcedAddresses, consentTimeoutSeconds, connectTimeoutSeconds, maxPublishedTracks,
                    maxPendingPeersPerIdentity, maxPendingPeersPerAddress, allowedOrigins, bwe, host, dynacast, mediaThreads,
                    tcpConnectionsPerAddress);
        }
    }

    /**
     * Each subscriber's downlink bandwidth estimate (docs/MEDIA.md): where it starts once the subscriber's
     * first transport-cc feedback arrives, and the bounds it stays within, in kbit/s.
     */
    public record Bwe(Integer initialKbps, Integer minKbps, Integer maxKbps) {
        public Bwe {
            initialKbps = initialKbps != null ? initialKbps : 1000;
            minKbps = minKbps != null ? minKbps : 100;
            maxKbps = maxKbps != null ? maxKbps : 20_000;
        }
    }

    /**
     * Dynacast (docs/MEDIA.md): a simulcast layer that no subscriber's allocation needs is paused at its publisher
     * (an SDK client that asked for it; the {@code publish_layers} notification) once it was unneeded for
     * {@code pause_after_seconds}, and resumed as soon as one needs it again.
     */
    public record Dynacast(Boolean enabled, Integer pauseAfterSeconds) {
        public Dynacast {
            enabled = enabled != null ? enabled : true;
            pauseAfterSeconds = pauseAfterSeconds != null ? pauseAfterSeconds : 5;
        }
    }

    /**
     * Webhooks (docs/OPERATIONS.md): room, member, track and file events POSTed as JSON to every URL,
     * signed in the Standard Webhooks scheme with {@code secret} ({@code whsec_} + base64 of 24 to 64
     * bytes), kept in the database outbox until each URL answers 2xx. A failed attempt is retried after
     * {@code initial_backoff_seconds}, doubling up to {@code max_backoff_seconds}, {@code max_attempts}
     * times in all; at most {@code max_in_flight_per_url} requests per URL at once (one per room), each
     * given {@code timeout_seconds}; an event body is at most {@code max_body_bytes}.
     */
    public record Webhooks(List<String> urls, String secret, Integer timeoutSeconds, Integer maxAttempts,
                           Integer initialBackoffSeconds, Integer maxBackoffSeconds, Integer maxInFlightPerUrl,
                           Integer maxBodyBytes) {
        public Webhooks {
            urls = urls != null ? List.copyOf(urls) : List.of();
            secret = secret != null ? secret : "";
            timeoutSeconds = timeoutSeconds != null ? timeoutSeconds : 10;
            maxAttempts = maxAttempts != null ? maxAttempts : 15;
            initialBackoffSeconds = initialBackoffSeconds != null ? initialBackoffSeconds : 5;
            maxBackoffSeconds = maxBackoffSeconds != null ? maxBackoffSeconds : 3600;
            maxInFlightPerUrl = maxInFlightPerUrl != null ? maxInFlightPerUrl : 4;
            maxBodyBytes = maxBodyBytes != null ? maxBodyBytes : 65_536;
        }

        public boolean enabled() {
            return !urls.isEmpty();
        }

        /** The signing key: the base64 after {@code whsec_}; throws IllegalArgumentException when malformed. */
        public byte[] secretBytes() {
            if (!secret.startsWith("whsec_")) {
                throw new IllegalArgumentException("does not start with whsec_");
            }
            return java.util.Base64.getDecoder().decode(secret.substring("whsec_".length()));
        }
    }

    /** Storage: empty {@code url} means embedded H2 under the data directory. */
    public record Database(String url, String username, String password, Integer maxPoolSize, Integer connectTimeoutSeconds) {
        public Database {
            url = url != null ? url : "";
            username = username != null ? username : "";
            password = password != null ? password : "";
            maxPoolSize = maxPoolSize != null ? maxPoolSize : 10;
            connectTimeoutSeconds = connectTimeoutSeconds != null ? connectTimeoutSeconds : 10;
        }

        /** With the default connect timeout. */
        public Database(String url, String username, String password, Integer maxPoolSize) {
            this(url, username, password, maxPoolSize, null);
        }
    }

    /**
     * The live rooms of the WebSocket protocol: inactivity, reconnects, message limits, and the limits
     * of docs/SECURITY.md: the waiting room's size, failed passwords, password hashing, token expiry warnings; and
     * the most a publisher may send ({@code max_publish_kbps}, told to it as REMB, docs/MEDIA.md).
     */
    public record Rooms(Integer mediaTimeoutSeconds, Integer reconnectGraceSeconds, Integer maxMessageBytes,
                        Integer messagesPerSecond, Integer maxWaiting, Integer failedPasswordsPerAddress,
                        Integer failedPasswordsPerRoom, Integer failedPasswordWindowSeconds, Integer passwordHashThreads,
                        Integer passwordHashQueue, Integer tokenExpiryWarningSeconds, Integer maxPublishKbps,
                        Integer socketsPerAddress) {
        public Rooms {
            mediaTimeoutSeconds = mediaTimeoutSeconds != null ? mediaTimeoutSeconds : 10;
            reconnectGraceSeconds = reconnectGraceSeconds != null ? reconnectGraceSeconds : 15;
            maxMessageBytes = maxMessageBytes != null ? maxMessageBytes : 262_144;
            messagesPerSecond = messagesPerSecond != null ? messagesPerSecond : 50;
            maxWaiting = maxWaiting != null ? maxWaiting : 100;
            failedPasswordsPerAddress = failedPasswordsPerAddress != null ? failedPasswordsPerAddress : 10;
            failedPasswordsPerRoom = failedPasswordsPerRoom != null ? failedPasswordsPerRoom : 50;
            failedPasswordWindowSeconds = failedPasswordWindowSeconds != null ? failedPasswordWindowSeconds : 300;
            passwordHashThreads = passwordHashThreads != null ? passwordHashThreads : 2;
            passwordHashQueue = passwordHashQueue != null ? passwordHashQueue : 64;
            tokenExpiryWarningSeconds = tokenExpiryWarningSeconds != null ? tokenExpiryWarningSeconds : 60;
            maxPublishKbps = maxPublishKbps != null ? maxPublishKbps : 4000;
            socketsPerAddress = socketsPerAddress != null ? socketsPerAddress : 64;
        }

        /** Everything but {@code sockets_per_address}, which keeps its default. */
        public Rooms(Integer mediaTimeoutSeconds, Integer reconnectGraceSeconds, Integer maxMessageBytes,
                     Integer messagesPerSecond, Integer maxWaiting, Integer failedPasswordsPerAddress,
                     Integer failedPasswordsPerRoom, Integer failedPasswordWindowSeconds, Integer passwordHashThreads,
                     Integer passwordHashQueue, Integer tokenExpiryWarningSeconds, Integer maxPublishKbps) {
            this(mediaTimeoutSeconds, reconnectGraceSeconds, maxMessageBytes, messagesPerSecond, maxWaiting,
                    failedPasswordsPerAddress, failedPasswordsPerRoom, failedPasswordWindowSeconds, passwordHashThreads,
                    passwordHashQueue, tokenExpiryWarningSeconds, maxPublishKbps, null);
        }

        /** The first four settings; the security limits at their defaults. */
        public Rooms(Integer mediaTimeoutSeconds, Integer reconnectGraceSeconds, Integer maxMessageBytes, Integer messagesPerSecond) {
            this(mediaTimeoutSeconds, reconnectGraceSeconds, maxMessageBytes, messagesPerSecond, null, null, null, null, null,
                    null, null, null);
        }
    }

    /**
     * The call API of contracts 003/004 under {@code /api/video-call} (docs/CONTRACTS.md): the global
     * room, where join links point, CORS origins, whether operator calls need credentials, token
     * lifetime and the contract's rate limits (per minute).
     */
    public record VideoCall(String globalRoom, String publicUrl, List<String> allowedOrigins, Boolean openControl,
                            Long tokenTtlSeconds, Integer sessionsPerMinute, Integer tokensPerMinute,
                            Integer controlsPerMinute) {
        public VideoCall {
            globalRoom = globalRoom != null ? globalRoom : "";
            publicUrl = publicUrl != null ? publicUrl : "";
            allowedOrigins = allowedOrigins != null ? List.copyOf(allowedOrigins)
                    : List.of("https://bahasadri.com", "http://localhost:8787");
            openControl = openControl != null && openControl;
            tokenTtlSeconds = tokenTtlSeconds != null ? tokenTtlSeconds : 4 * 3600L;
            sessionsPerMinute = sessionsPerMinute != null ? sessionsPerMinute : 10;
            tokensPerMinute = tokensPerMinute != null ? tokensPerMinute : 100;
            controlsPerMinute = controlsPerMinute != null ? controlsPerMinute : 60;
        }
    }

    /**
     * Shared video files (contract 003's video-file endpoints and {@code /v1/rooms/{uuid}/files}) and finished
     * recordings: where their bytes are stored ({@code storage}: {@link #LOCAL} under {@code dir}, empty:
     * {@code <data_dir>/files}; {@link #DATABASE} in the database, {@code dir} then holding only uploads being
     * received; empty: {@code database} when the cluster is configured, else {@code local}), the largest upload,
     * how long a signed playback URL stays valid, the storage quotas per room (a 003 session) and over all rooms,
     * and how many uploads a 003 session accepts per minute (docs/SECURITY.md, finding 8); the bounds of recordings
     * in progress (docs/RECORDING.md, "Bounds"): how many this server makes at once, and how long one lasts at most.
     */
    public record Files(String dir, Long maxUploadBytes, Long urlTtlSeconds, Long maxRoomBytes, Long maxTotalBytes,
                        Integer uploadsPerMinute, String storage, Integer maxRecordings, Long maxRecordingSeconds) {
        public static final String LOCAL = "local";
        public static final String DATABASE = "database";

        public Files {
            dir = dir != null ? dir : "";
            maxUploadBytes = maxUploadBytes != null ? maxUploadBytes : 100L * 1024 * 1024;
            urlTtlSeconds = urlTtlSeconds != null ? urlTtlSeconds : 6 * 3600L;
            maxRoomBytes = maxRoomBytes != null ? maxRoomBytes : 1024L * 1024 * 1024;
            maxTotalBytes = maxTotalBytes != null ? maxTotalBytes : 10L * 1024 * 1024 * 1024;
            uploadsPerMinute = uploadsPerMinute != null ? uploadsPerMinute : 10;
            storage = storage != null ? storage : "";
            maxRecordings = maxRecordings != null ? maxRecordings : 10;
            maxRecordingSeconds = maxRecordingSeconds != null ? maxRecordingSeconds : 4 * 3600L;
        }

        public Files(String dir, Long maxUploadBytes, Long urlTtlSeconds, Long maxRoomBytes, Long maxTotalBytes,
                     Integer uploadsPerMinute, String storage) {
            this(dir, maxUploadBytes, urlTtlSeconds, maxRoomBytes, maxTotalBytes, uploadsPerMinute, storage, null, null);
        }

        public Files(String dir, Long maxUploadBytes, Long urlTtlSeconds, Long maxRoomBytes, Long maxTotalBytes,
                     Integer uploadsPerMinute) {
            this(dir, maxUploadBytes, urlTtlSeconds, maxRoomBytes, maxTotalBytes, uploadsPerMinute, null);
        }

        public Files(String dir, Long maxUploadBytes, Long urlTtlSeconds) {
            this(dir, maxUploadBytes, urlTtlSeconds, null, null, null);
        }

        /** The same settings with {@code storage}. */
        public Files withStorage(String storage) {
            return new Files(dir, maxUploadBytes, urlTtlSeconds, maxRoomBytes, maxTotalBytes, uploadsPerMinute, storage,
                    maxRecordings, maxRecordingSeconds);
        }

        /** The same settings with other bounds for recordings in progress. */
        public Files withRecordingBounds(int maxRecordings, long maxRecordingSeconds) {
            return new Files(dir, maxUploadBytes, urlTtlSeconds, maxRoomBytes, maxTotalBytes, uploadsPerMinute, storage,
                    maxRecordings, maxRecordingSeconds);
        }
    }

    /** Server API credentials (key → secret) and access-token lifetimes. */
    public record Auth(Map<String, String> apiKeys, Long tokenTtlSeconds, Long maxTokenTtlSeconds) {
        public Auth {
            apiKeys = apiKeys != null ? Map.copyOf(apiKeys) : Map.of();
            tokenTtlSeconds = tokenTtlSeconds != null ? tokenTtlSeconds : 6 * 3600L;
            maxTokenTtlSeconds = maxTokenTtlSeconds != null ? maxTokenTtlSeconds : 24 * 3600L;
        }
    }

    /**
     * SIP (docs/SIP.md): off unless {@code enabled} (on in {@code --dev}). One port for UDP and TCP,
     * the digest realm (HA1s are stored for it when a password is set), registration limits, the
     * per-address limit on failed authentications, how long a call rings, the UDP port range of the
     * RTP relay, the digest algorithms offered (in order of preference), the trunks to other PBXs or
     * carriers, and the bounds on rooms' invites (docs/SIP.md, "Who may dial out"): destinations a minute
     * per inviter, room and anonymous inviter's address, and calls out through the trunk at once (ringing or
     * answered), per server and per room.
     */
    public record Sip(Boolean enabled, String host, Integer port, String announcedAddress, String realm,
                      Integer minExpiresSeconds, Integer maxExpiresSeconds, Integer authFailuresPerMinute,
                      Integer ringTimeoutSeconds, Integer rtpPortMin, Integer rtpPortMax, List<String> digestAlgorithms,
                      List<Trunk> trunks, Integer invitesPerMinute, Integer maxOutboundDials, Integer maxOutboundDialsPerRoom) {
        public Sip {
            enabled = enabled != null && enabled;
            host = host != null ? host : "0.0.0.0";
            port = port != null ? port : 5060;
            announcedAddress = announcedAddress != null ? announcedAddress : "";
            realm = realm != null ? realm : "atrium";
            minExpiresSeconds = minExpiresSeconds != null ? minExpiresSeconds : 60;
            maxExpiresSeconds = maxExpiresSeconds != null ? maxExpiresSeconds : 3600;
            authFailuresPerMinute = authFailuresPerMinute != null ? authFailuresPerMinute : 10;
            ringTimeoutSeconds = ringTimeoutSeconds != null ? ringTimeoutSeconds : 60;
            rtpPortMin = rtpPortMin != null ? rtpPortMin : 0;
            rtpPortMax = rtpPortMax != null ? rtpPortMax : 0;
            digestAlgorithms = digestAlgorithms != null ? List.copyOf(digestAlgorithms) : List.of("SHA-256", "MD5");
            trunks = trunks != null ? List.copyOf(trunks) : List.of();
            invitesPerMinute = invitesPerMinute != null ? invitesPerMinute : 60;
            maxOutboundDials = maxOutboundDials != null ? maxOutboundDials : 50;
            maxOutboundDialsPerRoom = maxOutboundDialsPerRoom != null ? maxOutboundDialsPerRoom : 10;
        }

        /** These settings with the default bounds on invites. */
        public Sip(Boolean enabled, String host, Integer port, String announcedAddress, String realm,
                   Integer minExpiresSeconds, Integer maxExpiresSeconds, Integer authFailuresPerMinute,
                   Integer ringTimeoutSeconds, Integer rtpPortMin, Integer rtpPortMax, List<String> digestAlgorithms,
                   List<Trunk> trunks) {
            this(enabled, host, port, announcedAddress, realm, minExpiresSeconds, maxExpiresSeconds, authFailuresPerMinute,
                    ringTimeoutSeconds, rtpPortMin, rtpPortMax, digestAlgorithms, trunks, null, null, null);
        }

        /** These settings with other bounds on invites. */
        public Sip withInviteLimits(int invitesPerMinute, int maxOutboundDials, int maxOutboundDialsPerRoom) {
            return new Sip(enabled, host, port, announcedAddress, realm, minExpiresSeconds, maxExpiresSeconds,
                    authFailuresPerMinute, ringTimeoutSeconds, rtpPortMin, rtpPortMax, digestAlgorithms, trunks,
                    invitesPerMinute, maxOutboundDials, maxOutboundDialsPerRoom);
        }

        static Sip off() {
            return new Sip(null, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        /** This SIP configuration as {@code --dev} runs it: on, bound to 127.0.0.1. */
        public Sip forDev() {
            return new Sip(true, "127.0.0.1", port, announcedAddress, realm, minExpiresSeconds, maxExpiresSeconds,
                    authFailuresPerMinute, ringTimeoutSeconds, rtpPortMin, rtpPortMax, digestAlgorithms, trunks,
                    invitesPerMinute, maxOutboundDials, maxOutboundDialsPerRoom);
        }

        /** The address put in Contact, Via and SDP: {@code announced_address}, else {@code host}. */
        public String publicAddress() {
            return !announcedAddress.isEmpty() ? announcedAddress : host.equals("0.0.0.0") ? "127.0.0.1" : host;
        }
    }

    /**
     * A SIP trunk to a PBX or carrier. Outbound: numbers that are no extension go to {@code address}
     * ({@code host:port}) over {@code transport}, authenticated with {@code username}/{@code password}
     * when challenged, with {@code caller_id} as the From user. Inbound: INVITEs whose source address is
     * the trunk's host, to one of the numbers of {@code inbound}, ring the extension it maps to.
     */
    public record Trunk(String name, String address, String transport, String username, String password,
                        String callerId, Map<String, String> inbound) {
        public Trunk {
            name = name != null ? name : "";
            address = address != null ? address : "";
            transport = transport != null ? transport : "udp";
            username = username != null ? username : "";
            password = password != null ? password : "";
            callerId = callerId != null ? callerId : "";
            inbound = inbound != null ? Map.copyOf(inbound) : Map.of();
        }
    }
}
