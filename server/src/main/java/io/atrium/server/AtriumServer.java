package io.atrium.server;

import io.atrium.server.cluster.Cluster;
import io.atrium.server.http.HttpApi;
import io.atrium.server.auth.ApiKeys;
import io.atrium.server.auth.Revocations;
import io.atrium.server.auth.TokenService;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.ConfigException;
import io.atrium.server.store.Database;
import io.atrium.server.store.RevocationStore;
import io.atrium.server.store.RoomNumberStore;
import io.atrium.server.store.RoomStore;
import io.atrium.server.state.StateService;
import io.atrium.server.store.UserStore;
import io.atrium.server.store.ChatStore;
import io.atrium.server.store.VideoFileStore;
import io.atrium.server.files.FileUrls;
import io.atrium.server.files.DatabaseFileStorage;
import io.atrium.server.files.FileStorage;
import io.atrium.server.files.LocalFileStorage;
import io.atrium.server.files.StorageQuota;
import io.atrium.server.files.VideoFileService;
import io.atrium.server.room.RoomService;
import io.atrium.server.compat.calls.SharedVideo;
import io.atrium.server.sfu.MediaLimits;
import io.atrium.server.sfu.Shards;
import io.atrium.server.sip.Registrar;
import io.atrium.server.sip.SipService;
import io.atrium.server.store.WebhookOutbox;
import io.atrium.server.store.RecordingStore;
import io.atrium.server.recording.Finisher;
import io.atrium.server.recording.Recorder;
import io.atrium.server.recording.RecordingNotices;
import io.atrium.server.recording.RecordingService;
import io.atrium.server.webhook.WebhookDispatcher;
import io.atrium.server.webhook.WebhookEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;

/** One running Atrium: database, stores, auth and the HTTP edge, wired by hand and stopped in reverse. */
public final class AtriumServer implements AutoCloseable {

    private final Database db;
    private final Shards media;
    private final RoomService roomService;
    private final VideoFileService videoFiles;
    private final HttpApi http;
    private final SipService sip;
    private final WebhookDispatcher webhooks;
    private final RecordingService recordings;
    private final Cluster cluster;
    private final Revocations revocations;

    private AtriumServer(Database db, Shards media, RoomService roomService, VideoFileService videoFiles,
                         HttpApi http, SipService sip, WebhookDispatcher webhooks,
                         RecordingService recordings, Cluster cluster, Revocations revocations) {
        this.cluster = cluster;
        this.revocations = revocations;
        this.webhooks = webhooks;
        this.recordings = recordings;
        this.db = db;
        this.media = media;
        this.roomService = roomService;
        this.videoFiles = videoFiles;
        this.http = http;
        this.sip = sip;
    }

    /** Stored file bytes no video file names after this long are what a killed node left mid-upload (docs/SCALING.md). */
    private static final java.time.Duration UNNAMED_FILE_AGE = java.time.Duration.ofHours(1);

    private static VideoFileService videoFiles(AtriumConfig config, Database db, TokenService tokens, ApiKeys apiKeys, Clock clock) {
        FileStorage storage;
        try {
            if (config.filesInDatabase()) {
                DatabaseFileStorage inDatabase = new DatabaseFileStorage(db.jdbc(), config.uploadTempPath(), clock);
                inDatabase.deleteUnnamed(UNNAMED_FILE_AGE);
                storage = inDatabase;
            } else {
                storage = new LocalFileStorage(config.filesPath());
            }
        } catch (IOException e) {
            throw new ConfigException("cannot use the files directory " + (config.filesInDatabase()
                    ? config.uploadTempPath() + " (<data_dir>/upload-tmp)" : config.filesPath().toAbsolutePath() + " (files.dir)")
                    + ": " + e, e);
        }
        FileUrls urls = new FileUrls(config.auth().apiKeys(), config.files().urlTtlSeconds(), clock);
        VideoFileStore store = new VideoFileStore(db.jdbc());
        StorageQuota quota = new StorageQuota(store, config.files().maxRoomBytes(), config.files().maxTotalBytes());
        return new VideoFileService(storage, store, urls, tokens, apiKeys, config.files().maxUploadBytes(), quota, clock);
    }

    /** Starts everything or fails with a {@link ConfigException} after releasing what was opened. */
    public static AtriumServer start(AtriumConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** As {@link #start(AtriumConfig)}, with every expiry and timeout read from {@code clock} (tests move it). */
    public static AtriumServer start(AtriumConfig config, Clock clock) {
        try {
            Files.createDirectories(config.dataPath());
        } catch (IOException e) {
            throw new ConfigException("cannot create data_dir " + config.dataPath().toAbsolutePath() + ": " + e, e);
        }
        if (!Files.isWritable(config.dataPath())) {
            throw new ConfigException("data_dir " + config.dataPath().toAbsolutePath() + " is not writable");
        }
        Database db = Database.open(config.database(), config.dataPath());
        Revocations revocations = null;
        Shards media = null;
        RoomService roomService = null;
        SipService sip = null;
        WebhookDispatcher webhooks = null;
        RecordingService recordings = null;
        Cluster cluster = null;
        try {
            media = Shards.open(config.rtc().bindHost(config.http().host()), config.rtc(), MediaLimits.of(config.rtc(), config.rooms()),
                    io.atrium.server.sfu.bwe.BandwidthEstimator.Limits.of(config.rtc().bwe()));
            RoomStore rooms = new RoomStore(db.jdbc(), clock);
            UserStore users = new UserStore(db.jdbc(), clock);
            ApiKeys apiKeys = new ApiKeys(config.auth().apiKeys(), clock);
            revocations = new Revocations(new RevocationStore(db.jdbc()), clock);
            TokenService tokens = new TokenService(config.auth().apiKeys(), clock, revocations);
            ChatStore chat = new ChatStore(db.jdbc(), clock);
            roomService = new RoomService(rooms, users, chat, tokens, media, config, new StateService(),
                    SharedVideo.FACTORY, clock);
            VideoFileService videoFiles = videoFiles(config, db, tokens, apiKeys, clock);
            recordings = new RecordingService(media, new RecordingStore(db.jdbc()), rooms, videoFiles,
                    config.dataPath().resolve("recordings"), new Recorder(), new Finisher("ffmpeg"),
                    config.files().maxRecordings(), java.time.Duration.ofSeconds(config.files().maxRecordingSeconds()), clock);
            if (config.webhooks().enabled()) {
                WebhookOutbox outbox = new WebhookOutbox(db.jdbc());
                webhooks = new WebhookDispatcher(outbox, config.webhooks(), clock);
                WebhookEvents events = new WebhookEvents(outbox, config.webhooks().urls(), config.webhooks().maxBodyBytes(), clock,
                        webhooks::wake);
                roomService.addListener(events);
                videoFiles.addReadyListener(events::fileReady);
                recordings.addListener(events);
            }
            roomService.addListener(recordings);
            recordings.addListener(new RecordingNotices(roomService));
            roomService.recorder(recordings);
            if (config.cluster().enabled()) { // before SIP: its bridge asks the cluster which temporary rooms run elsewhere
                cluster = Cluster.connect(config, roomService, media, clock);
                revocations.follow(); // learns the revocations other nodes make (docs/SCALING.md, "Revocations")
            }
            recordings.recover(cluster != null ? cluster.id() : null);
            Registrar registrar = new Registrar(config.sip(), clock, roomService::elsewhere);
            if (config.sip().enabled()) {
                sip = SipService.start(config.sip(), users, registrar, clock,
                        new SipService.Rooms(roomService, media, new RoomNumberStore(db.jdbc())));
            }
            HttpApi http = new HttpApi(config, db, rooms, users, chat, apiKeys, tokens, media, roomService, videoFiles,
                    registrar, sip, recordings, webhooks, cluster, clock).start();
            if (cluster != null) {
                cluster.start(localUrl(config.http(), http.port()));
            }
            if (webhooks != null) {
                webhooks.start();
            }
            return new AtriumServer(db, media, roomService, videoFiles, http, sip, webhooks, recordings, cluster, revocations);
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            if (recordings != null) {
                recordings.close();
            }
            if (webhooks != null) {
                webhooks.close();
            }
            if (sip != null) {
                sip.close();
            }
            if (roomService != null) {
                roomService.close();
            }
            if (media != null) {
                media.close();
            }
            if (revocations != null) {
                revocations.close();
            }
            db.close();
            throw e;
        }
    }

    /** This node's URL when {@code cluster.public_url} is empty: the HTTP host (or this machine's name when it listens everywhere) and port. */
    private static String localUrl(AtriumConfig.Http http, int port) {
        String host = http.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                throw new ConfigException("cannot tell this machine's name for cluster.public_url; set cluster.public_url", e);
            }
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (http.tls().enabled() ? "https" : "http") + "://" + host + ":" + port;
    }

    /** This node in the cluster, empty when {@code cluster.redis_url} is not set (one node). */
    public java.util.Optional<Cluster> cluster() {
        return java.util.Optional.ofNullable(cluster);
    }

    public Database database() {
        return db;
    }

    /** Shared video files: what the contract facades call. */
    public VideoFileService videoFiles() {
        return videoFiles;
    }

    /** The media plane: {@code rtc.media_threads} shards, each a transport (port, thread) with its SFU. */
    public Shards media() {
        return media;
    }

    /** The SIP endpoint, empty when {@code sip.enabled} is off. */
    public java.util.Optional<SipService> sip() {
        return java.util.Optional.ofNullable(sip);
    }

    /** Recordings of rooms. */
    public RecordingService recordings() {
        return recordings;
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() {
        try {
            if (sip != null) {
                sip.stopping(); // while the sockets can still hear why
            }
            http.stop();
            if (sip != null) {
                sip.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            try {
                roomService.close();
                recordings.close();
                media.close();
            } finally {
                if (webhooks != null) {
                    webhooks.close();
                }
                revocations.close();
                db.close();
            }
        }
    }
}
