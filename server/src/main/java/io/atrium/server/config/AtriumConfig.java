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
                           Compat compat, VideoCall videoCall, Files files) {

    public AtriumConfig {
        dev = dev != null && dev;
        dataDir = dataDir != null ? dataDir : "./atrium-data";
        http = http != null ? http : new Http(null, null, null, null);
        rtc = rtc != null ? rtc : new Rtc(null, null, null, null);
        database = database != null ? database : new Database(null, null, null, null);
        auth = auth != null ? auth : new Auth(null, null, null);
        rooms = rooms != null ? rooms : new Rooms(null, null, null, null);
        compat = compat != null ? compat : new Compat(null, null);
        videoCall = videoCall != null ? videoCall : new VideoCall(null, null, null, null, null, null, null, null);
        files = files != null ? files : new Files(null, null, null);
    }

    /** The seven-argument form, with default compat, video-call and file settings. */
    public AtriumConfig(Boolean dev, String dataDir, Http http, Rtc rtc, Database database, Auth auth, Rooms rooms) {
        this(dev, dataDir, http, rtc, database, auth, rooms, null, null, null);
    }

    /** This configuration with other compat (000, 001) settings. */
    public AtriumConfig withCompat(Compat compat) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files);
    }

    /** This configuration with other video-call (003, 004) settings. */
    public AtriumConfig withVideoCall(VideoCall videoCall) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files);
    }

    /** The old six-argument form, with default room settings. */
    public AtriumConfig(Boolean dev, String dataDir, Http http, Rtc rtc, Database database, Auth auth) {
        this(dev, dataDir, http, rtc, database, auth, null);
    }

    /** Defaults, as if every key were absent. */
    public static AtriumConfig defaults() {
        return new AtriumConfig(null, null, null, null, null, null, null, null, null, null);
    }

    public boolean isDev() {
        return dev;
    }

    public Path dataPath() {
        return Path.of(dataDir);
    }

    /** This configuration with other file settings. */
    public AtriumConfig withFiles(Files files) {
        return new AtriumConfig(dev, dataDir, http, rtc, database, auth, rooms, compat, videoCall, files);
    }

    /** Where uploaded files live: {@code files.dir}, or {@code <data_dir>/files} when empty. */
    public Path filesPath() {
        return files.dir().isEmpty() ? dataPath().resolve("files") : Path.of(files.dir());
    }

    /** The HTTP edge: REST, WebSocket, static web app. */
    public record Http(String host, Integer port, Long maxBodyBytes, Integer shutdownGraceSeconds) {
        public Http {
            host = host != null ? host : "0.0.0.0";
            port = port != null ? port : 7880;
            maxBodyBytes = maxBodyBytes != null ? maxBodyBytes : 1_048_576L;
            shutdownGraceSeconds = shutdownGraceSeconds != null ? shutdownGraceSeconds : 10;
        }
    }

    /**
     * The media plane: all peers on one UDP port, how long a silent or unfinished peer may stay, what
     * one peer may ask for (issue 11 finding 4: bounded tracks per publisher, bounded not-yet-connected
     * peers per identity and per client address), and the origins whose pages may call WHIP/WHEP
     * (CORS, RFC 9725 §4.9; {@code *} allows any, which is safe as tokens are bearer, never cookies).
     */
    public record Rtc(Integer port, List<String> announcedAddresses, Integer consentTimeoutSeconds,
                      Integer connectTimeoutSeconds, Integer maxPublishedTracks, Integer maxPendingPeersPerIdentity,
                      Integer maxPendingPeersPerAddress, List<String> allowedOrigins) {
        public Rtc {
            port = port != null ? port : 7881;
            announcedAddresses = announcedAddresses != null ? List.copyOf(announcedAddresses) : List.of();
            consentTimeoutSeconds = consentTimeoutSeconds != null ? consentTimeoutSeconds : 30;
            connectTimeoutSeconds = connectTimeoutSeconds != null ? connectTimeoutSeconds : 20;
            maxPublishedTracks = maxPublishedTracks != null ? maxPublishedTracks : 8;
            maxPendingPeersPerIdentity = maxPendingPeersPerIdentity != null ? maxPendingPeersPerIdentity : 8;
            maxPendingPeersPerAddress = maxPendingPeersPerAddress != null ? maxPendingPeersPerAddress : 32;
            allowedOrigins = allowedOrigins != null ? List.copyOf(allowedOrigins) : List.of("*");
        }

        /** Port, addresses and timeouts; the limits and origins at their defaults. */
        public Rtc(Integer port, List<String> announcedAddresses, Integer consentTimeoutSeconds, Integer connectTimeoutSeconds) {
            this(port, announcedAddresses, consentTimeoutSeconds, connectTimeoutSeconds, null, null, null, null);
        }
    }

    /** Storage: empty {@code url} means embedded H2 under the data directory. */
    public record Database(String url, String username, String password, Integer maxPoolSize) {
        public Database {
            url = url != null ? url : "";
            username = username != null ? username : "";
            password = password != null ? password : "";
            maxPoolSize = maxPoolSize != null ? maxPoolSize : 10;
        }
    }

    /** The live rooms of the WebSocket protocol: inactivity, reconnects, message limits. */
    public record Rooms(Integer mediaTimeoutSeconds, Integer reconnectGraceSeconds, Integer maxMessageBytes,
                        Integer messagesPerSecond) {
        public Rooms {
            mediaTimeoutSeconds = mediaTimeoutSeconds != null ? mediaTimeoutSeconds : 10;
            reconnectGraceSeconds = reconnectGraceSeconds != null ? reconnectGraceSeconds : 15;
            maxMessageBytes = maxMessageBytes != null ? maxMessageBytes : 262_144;
            messagesPerSecond = messagesPerSecond != null ? messagesPerSecond : 50;
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
     * Shared video files (contract 003's video-file endpoints and {@code /v1/rooms/{uuid}/files}): where
     * they are stored (empty: {@code <data_dir>/files}), the largest upload, and how long a signed
     * playback URL stays valid.
     */
    public record Files(String dir, Long maxUploadBytes, Long urlTtlSeconds) {
        public Files {
            dir = dir != null ? dir : "";
            maxUploadBytes = maxUploadBytes != null ? maxUploadBytes : 100L * 1024 * 1024;
            urlTtlSeconds = urlTtlSeconds != null ? urlTtlSeconds : 6 * 3600L;
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
}
