package io.atrium.server.http;

import io.atrium.server.edge.Json;
import io.atrium.server.auth.ApiKeys;
import io.atrium.server.api.RestApi;
import io.atrium.server.sip.Registrar;
import io.atrium.server.sip.SipService;
import io.atrium.server.auth.TokenService;
import io.atrium.server.compat.calls.VideoCallApi;
import io.atrium.server.compat.RoomNode;
import io.atrium.server.compat.live.LiveStreamApi;
import io.atrium.server.compat.live.LiveStreams;
import io.atrium.server.compat.meetings.Meetings;
import io.atrium.server.compat.meetings.MeetingsApi;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.ConfigException;
import io.atrium.server.edge.AttemptGuard;
import io.atrium.server.edge.ClientAddress;
import io.atrium.server.files.VideoFileService;
import io.atrium.server.metrics.AtriumMetrics;
import io.atrium.server.webhook.WebhookDispatcher;
import io.atrium.server.store.CallSessionStore;
import io.atrium.server.store.Database;
import io.atrium.server.store.MeetingStore;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.UserStore;
import io.atrium.server.sfu.Shards;
import io.atrium.server.signal.WhipWhepApi;
import io.atrium.server.signal.RtcSocket;
import io.atrium.server.room.RoomService;
import io.atrium.server.store.ChatStore;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.net.BindException;
import java.util.Map;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.SecuredRedirectHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of the HTTP edges: one Javalin server (TLS, graceful stop, request log, metrics)
 * carrying the native REST API ({@code api/RestApi}), the WebSocket protocol ({@code signal/RtcSocket}),
 * WHIP/WHEP, the contract facades ({@code compat/}), health probes, {@code /metrics} and the web app from
 * the classpath. Every edge is built here from what {@code AtriumServer} made; no package below imports this one.
 */
public final class HttpApi {

    private static final Logger log = LoggerFactory.getLogger("atrium.http");

    private final Javalin app;
    private final AtriumConfig.Http config;
    private final WhipWhepApi whipWhep;
    /** HTTPS from PEM files (reloaded on change), or null for plain HTTP. */
    private final TlsConnectors tls;

    public HttpApi(AtriumConfig config, Database db, RoomStore rooms, UserStore users, ChatStore chat, ApiKeys apiKeys,
                   TokenService tokens, Shards shards, RoomService roomService, VideoFileService videoFiles, Registrar registrar, SipService sip,
                   io.atrium.server.recording.RecordingService recordings, WebhookDispatcher webhooks,
                   io.atrium.server.cluster.Cluster cluster, java.time.Clock clock) {
        this.config = config.http();
        this.tls = this.config.tls().enabled() ? new TlsConnectors(this.config) : null;
        RestApi rest = new RestApi(config, rooms, users, chat, apiKeys, tokens, shards, roomService, videoFiles, registrar, sip, recordings);
        // who the client is (trusted proxies) and the per-address guard shared by the facades (docs/SECURITY.md)
        ClientAddress clients = new ClientAddress(this.config.trustedProxies());
        // one node: calls run here and every room lives here; many: the cluster relays and redirects (docs/SCALING.md)
        // HTTP requests relayed to a room's node carry a mark only the cluster's nodes can make (one node: its own)
        io.atrium.server.edge.HttpRelay relay = new io.atrium.server.edge.HttpRelay(
                cluster == null ? new io.atrium.server.edge.RelayMark(clock) : cluster.relayMark());
        RtcSocket rtc = new RtcSocket(roomService, cluster == null ? roomService : cluster.relay(), config.rooms(), clients);
        this.whipWhep = new WhipWhepApi(tokens, rooms, roomService.media(),
                roomService.turn(),
                config.rtc().allowedOrigins(), clients, roomService::publish,
                cluster == null ? io.atrium.server.room.RoomHome.HERE : cluster, relay);
        roomService.addListener(whipWhep); // a room that moved to another node ends its sessions here
        AttemptGuard guard = new AttemptGuard(this.config.facadeRequestsPerMinute(), this.config.failedAttemptsPerMinute(),
                clock);
        // contract facades 000 and 001 (docs/CONTRACTS.md)
        // their shared state is on the node of its room; a request asked elsewhere is relayed there (docs/SCALING.md)
        RoomNode roomNode = new RoomNode(cluster == null ? io.atrium.server.room.RoomHome.HERE : cluster, roomService.state(), relay);
        LiveStreamApi liveApi = new LiveStreamApi(new LiveStreams(config, rooms, new io.atrium.server.store.LiveStreamStore(db.jdbc(), clock), tokens,
                roomService), config.compat().live(),
                clock, clients, guard, roomNode);
        MeetingsApi meetingsApi = new MeetingsApi(new Meetings(config, new MeetingStore(db.jdbc(), clock), rooms, tokens,
                roomService, clock), apiKeys, config.compat().meetings(), clients, guard, roomNode);
        VideoCallApi videoCall = new VideoCallApi(config, new CallSessionStore(db.jdbc(), clock), rooms,
                apiKeys, tokens, roomService, clock, videoFiles, clients, guard);
        RoomLinks roomLinks = new RoomLinks(rooms, clients, guard);
        SignedInMeetings signedInMeetings = new SignedInMeetings(rooms, roomService.userPasswords(), tokens,
                config.auth().tokenTtlSeconds(), clients, guard, roomService.passwordChecks());
        AtriumMetrics metrics = config.metrics().enabled() ? new AtriumMetrics(shards, roomService, whipWhep) : null;
        if (metrics != null) {
            metrics.rateLimited("websocket", rtc, RtcSocket::rateLimited);
            metrics.recorder(recordings.recorder());
            if (webhooks != null) {
                metrics.webhooks(webhooks);
            }
        }
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.jetty.host = this.config.host();
            c.jetty.port = this.config.port();
            c.http.maxRequestSize = this.config.maxBodyBytes();
            c.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            c.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = "/public";
                s.location = Location.CLASSPATH;
                s.headers = WebPageHeaders.HEADERS;
            });
            if (tls != null) { // HTTPS first: Javalin reports the first connector's port
                c.jetty.addConnector(tls::https);
                if (this.config.tls().redirectPort() != 0) {
                    c.jetty.addConnector(tls::redirect);
                }
            }
            c.jetty.modifyServer(server -> {
                server.setStopTimeout(this.config.shutdownGraceSeconds() * 1000L);
                var handler = server.getHandler();
                if (tls != null && this.config.tls().redirectPort() != 0) { // plain requests → 301 to https
                    handler = new SecuredRedirectHandler(handler, 301);
                }
                server.setHandler(new GracefulHandler(handler));
            });
            c.requestLogger.http((ctx, ms) -> {
                log.info("method={} path={} status={} ms={} ip={}", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms),
                        clients.address(ctx));
                if (metrics != null) {
                    metrics.httpRequest(ctx.method().name(), MetricsEndpoint.route(ctx), ctx.statusCode(), ms);
                }
            });
            RestApi.errors(c.routes);
            // an Error (OutOfMemoryError above all) goes to the process's fatal handler (Main), not into a 500 forever
            c.router.javaLangErrorHandler((res, error) -> {
                res.setStatus(500);
                log.error("error while handling a request", error);
                Thread.UncaughtExceptionHandler fatal = Thread.getDefaultUncaughtExceptionHandler();
                if (fatal != null) {
                    fatal.uncaughtException(Thread.currentThread(), error);
                }
            });
            // an error answered before the body was read: read a small body to its end, so the client
            // gets the answer instead of a connection reset while it is still sending
            c.routes.after(ctx -> {
                if (ctx.statusCode() >= 400) {
                    drainSmallBody(ctx);
                }
            });
            // dev: true tells the web app it may use the well-known dev credentials (one-click meetings);
            // sip: true that it may offer phone calls (docs/WEB.md)
            c.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "dev", config.isDev(),
                    "browser_api_key", config.http().browserApiKey(), "sip", config.sip().enabled())));
            Readiness readiness = new Readiness(db, clock);
            c.routes.get("/readyz", ctx -> {
                boolean ready = readiness.ready();
                ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "database unavailable"));
            });
            rest.routes(c.routes);
            // after rest's /v1 key check: /v1/cluster, and REST about a room live on another node relayed there
            new io.atrium.server.cluster.ClusterApi(java.util.Optional.ofNullable(cluster), relay).routes(c.routes);
            whipWhep.routes(c.routes);
            videoCall.routes(c.routes);
            if (metrics != null) {
                new MetricsEndpoint(metrics, config.metrics(), config.isDev()).routes(c.routes);
            }
            c.routes.ws("/v1/rtc", rtc::configure);
            roomLinks.routes(c.routes);
            signedInMeetings.routes(c.routes);
            liveApi.routes(c.routes);
            meetingsApi.routes(c.routes);
        });
    }

    /**
     * {@code /readyz}'s answer, asked of the database at most once per {@value #MILLIS} ms however often it is polled
     * (the probe is unauthenticated: docs/SECURITY.md, finding 18); a load balancer sees a change within that.
     */
    static final class Readiness {
        static final long MILLIS = 1000;
        private final Database db;
        private final java.time.Clock clock;
        private long checkedAt;
        private boolean ready;
        private boolean checked;

        Readiness(Database db, java.time.Clock clock) {
            this.db = db;
            this.clock = clock;
        }

        synchronized boolean ready() {
            long now = clock.millis();
            if (!checked || now - checkedAt >= MILLIS || now < checkedAt) {
                ready = db.isReady();
                checkedAt = now;
                checked = true;
            }
            return ready;
        }
    }

    /** Starts listening; a port in use is reported as a {@link ConfigException} saying what to do. */
    public HttpApi start() {
        try {
            app.start();
        } catch (RuntimeException e) {
            if (hasCause(e, BindException.class) || hasCause(e, IOException.class) && String.valueOf(e.getMessage()).contains("bind")) {
                throw new ConfigException("http.port " + config.port() + " on " + config.host()
                        + " is already in use; stop the other process or choose another port with --http-port", e);
            }
            throw e;
        }
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Stops accepting requests, lets in-flight ones finish within the grace period, then closes. */
    public void stop() {
        try {
            app.stop();
        } finally {
            whipWhep.close();
            if (tls != null) {
                tls.close();
            }
        }
    }

    /** Bodies up to this size are read to their end after an error; larger ones are left and the connection closed. */
    static final long DRAIN_LIMIT = 1 << 20;

    private static void drainSmallBody(io.javalin.http.Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length <= 0 || length > DRAIN_LIMIT) {
            return;
        }
        try {
            var in = ctx.req().getInputStream();
            byte[] sink = new byte[8192];
            long left = length;
            while (left > 0) {
                int n = in.read(sink, 0, (int) Math.min(sink.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException | RuntimeException ignored) {
            // already consumed, or the client went away: nothing to keep in sync
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
