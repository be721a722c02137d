package io.atrium.server.signal;

import io.atrium.server.edge.ApiException;
import io.atrium.server.edge.Cors;
import io.atrium.server.edge.ClientAddress;
import io.atrium.server.edge.HttpRelay;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.AuthException;
import io.atrium.server.auth.Bearer;
import io.atrium.server.auth.TokenService;
import io.atrium.server.auth.TurnCredentials;
import io.atrium.server.room.MediaDoor;
import io.atrium.server.room.RoomEvent;
import io.atrium.server.room.RoomHome;
import io.atrium.server.room.RoomListener;
import io.atrium.server.sfu.MediaKind;
import io.atrium.server.sfu.Subscription;
import io.atrium.server.sfu.TrackInfo;
import io.atrium.server.store.RoomStore;
import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.PeerOwner;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WHIP (RFC 9725) to publish into a room and WHEP to play it, each a single SDP offer/answer over
 * HTTP: {@code POST /whip/{room}} and {@code POST /whep/{room}} with an access token
 * ({@code Authorization: Bearer}) for that room answer {@code 201} with the SDP answer, a
 * {@code Location} whose {@code DELETE} ends the session and the ICE session's {@code ETag} (RFC 9725
 * §4.3). Atrium is ICE-lite with all candidates in the answer, so trickle ({@code PATCH}) is answered
 * {@code 405}; an ICE restart is a new session (DELETE, then POST a new offer). WHEP takes optional
 * {@code ?width=&height=}, the size the player renders at, to pick a simulcast layer. Pages on other
 * origins may call both (CORS, RFC 9725 §4.9): preflights are answered, and every response, errors
 * included, carries {@code Access-Control-Allow-Origin} and exposes {@code Location}, {@code Link},
 * {@code ETag}.
 */
public final class WhipWhepApi implements RoomListener {

    static final String SDP = "application/sdp";
    private static final Logger LOG = LoggerFactory.getLogger(WhipWhepApi.class);

    private record Session(String kind, UUID room, AccessToken token, MediaPeer peer) {
        String identity() {
            return token.identity();
        }
    }

    /** How often live sessions are checked against their token's expiry and revocation (docs/SECURITY.md, finding 2). */
    static final long SWEEP_MILLIS = 1000;

    private final TokenService tokens;
    private final TurnCredentials turn;
    private final RoomStore rooms;
    private final MediaDoor media;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "atrium-whip-tokens");
        t.setDaemon(true);
        return t;
    });

    private final Cors cors;
    private final ClientAddress clients;
    private final Consumer<RoomEvent> events;
    private final RoomHome home;
    private final HttpRelay relay;

    /**
     * The answers carry {@code turn}'s ICE servers as {@code Link} headers (RFC 9725 §4.6);
     * {@code allowedOrigins} are the web origins whose pages may call WHIP/WHEP ({@code rtc.allowed_origins},
     * {@code *} for any); {@code clients} tells the client address that bounds its peers still connecting;
     * {@code events} hears sessions start and end as members of kind {@code whip}/{@code whep} (webhooks);
     * {@code home} tells where a room lives: a request for a room owned by another node is relayed there by
     * {@code relay} (a browser's) or answered {@code 307} to the same path on that node (RFC 9725 §4.5,
     * docs/SCALING.md). One node: {@link RoomHome#HERE}.
     */
    public WhipWhepApi(TokenService tokens, RoomStore rooms, MediaDoor media, TurnCredentials turn, List<String> allowedOrigins,
                       ClientAddress clients, Consumer<RoomEvent> events, RoomHome home, HttpRelay relay) {
        this.home = home;
        this.relay = relay;
        this.events = events;
        this.turn = turn;
        this.clients = clients;
        this.cors = new Cors(allowedOrigins, "POST, PATCH, DELETE, OPTIONS", "Authorization, Content-Type, If-Match",
                "Location, Link, ETag, Retry-After");
        this.tokens = tokens;
        this.rooms = rooms;
        this.media = media;
        sweeper.scheduleWithFixedDelay(this::endSessionsWhoseTokenNoLongerHolds, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * A WHIP/WHEP session lives only while the token that opened it holds: once it expires or is
     * revoked, the session's peer is closed and its media stops, as for a socket's member.
     */
    private void endSessionsWhoseTokenNoLongerHolds() {
        for (Session s : sessions.values()) {
            try {
                tokens.check(s.token(), Optional.of(s.room()));
            } catch (AuthException e) {
                s.peer().close(e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("checking WHIP/WHEP session {} failed", s.peer().id(), e);
            }
        }
    }

    /**
     * Another node owns {@code room} now (docs/SCALING.md, a node that misses its heartbeats): its sessions here
     * end as a {@code DELETE} ends them, so their publishers and players post again and are sent to the owner.
     */
    @Override
    public void roomMoved(UUID room) {
        sessions.values().stream().filter(s -> s.room().equals(room)).forEach(s -> s.peer().close("the room moved to another node"));
    }

    /** Stops checking sessions (the server is stopping). */
    public void close() {
        sweeper.shutdownNow();
    }

    public void routes(RoutesConfig r) {
        for (String kind : new String[] {"whip", "whep"}) {
            r.before("/" + kind + "/*", cors::apply);
            r.options("/" + kind + "/{room}", cors::preflight);
            r.options("/" + kind + "/{room}/{session}", cors::preflight);
        }
        r.post("/whip/{room}", this::publish);
        r.post("/whep/{room}", this::play);
        for (String kind : new String[] {"whip", "whep"}) {
            r.delete("/" + kind + "/{room}/{session}", this::end);
            r.patch("/" + kind + "/{room}/{session}", ctx -> {
                ctx.header("Allow", "DELETE, OPTIONS");
                throw new ApiException(405, "method_not_allowed", "Atrium is ICE-lite and sends every candidate in the answer,"
                        + " so trickle ICE (PATCH) is not needed; for an ICE restart, DELETE this session and POST a new offer", null);
            });
        }
    }

    private void publish(Context ctx) {
        UUID room = roomId(ctx);
        AccessToken token = token(ctx, room);
        requireRoom(room);
        if (sentToOwner(ctx, room)) {
            return;
        }
        if (!token.grants().publish()) {
            throw new ApiException(403, "forbidden", "this token may not publish", null);
        }
        String offer = offer(ctx);
        MediaDoor.Entry<TrackInfo> n;
        try {
            n = media.publish(room, offer, null, new PeerOwner(token.identity(), clients.of(ctx)), token.grants());
        } catch (MediaDoor.NotAllowed e) {
            throw new ApiException(403, "forbidden", "this token may not publish " + e.source().name().toLowerCase(), null);
        }
        media.attachPublisher(n);
        created(ctx, "whip", room, token, n.peer(), n.answer(), n.items());
    }

    private void play(Context ctx) {
        UUID room = roomId(ctx);
        AccessToken token = token(ctx, room);
        requireRoom(room);
        if (sentToOwner(ctx, room)) {
            return;
        }
        if (!token.grants().subscribe()) {
            throw new ApiException(403, "forbidden", "this token may not subscribe", null);
        }
        String offer = offer(ctx);
        int width = size(ctx, "width");
        int height = size(ctx, "height");
        MediaDoor.Entry<Subscription> n = media.subscribe(room, null, (negotiator, router) ->
                negotiator.subscribe(offer, router.tracks(), width, height, new PeerOwner(token.identity(), clients.of(ctx))));
        if (n.items().isEmpty()) {
            throw n.refuse(ApiException.notFound("nothing is being published in this room yet"));
        }
        media.attachSubscriber(n);
        created(ctx, "whep", room, token, n.peer(), n.answer(), List.of());
    }

    private void created(Context ctx, String kind, UUID room, AccessToken token, MediaPeer peer, String answer,
                         List<TrackInfo> tracks) {
        sessions.put(peer.id(), new Session(kind, room, token, peer));
        String identity = token.identity();
        events.accept(RoomEvent.memberJoined(room, identity, token.name(), kind));
        List<RoomEvent> ended = new java.util.ArrayList<>();
        for (TrackInfo t : tracks) {
            String media = t.kind() == MediaKind.AUDIO ? "audio" : "video";
            String source = t.kind() == MediaKind.AUDIO ? "microphone" : "camera";
            events.accept(RoomEvent.trackPublished(room, identity, t.id(), media, source));
            ended.add(RoomEvent.trackUnpublished(room, identity, t.id(), media, source));
        }
        ended.add(RoomEvent.memberLeft(room, identity, kind));
        peer.onClose(() -> {
            sessions.remove(peer.id());
            // the close may run on the media thread: the events (a database write) go on the sweeper's thread
            try {
                sweeper.execute(() -> ended.forEach(events));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("server stopping: the end of session {} is not reported", peer.id());
            }
        });
        for (String link : turn.linkHeaders(token.identity())) {
            ctx.res().addHeader("Link", link);
        }
        ctx.status(201)
                .header("Location", "/" + kind + "/" + room + "/" + peer.id())
                .header("ETag", etag(peer))
                .contentType(SDP)
                .result(answer);
    }

    /**
     * Sends a request for a room owned by another node there (docs/SCALING.md): a browser's (it has an
     * {@code Origin}) is relayed, since a page's CSP ({@code connect-src 'self'}) and the Fetch standard (it drops
     * {@code Authorization} on a redirect to another origin) rule a redirect out; any other client is answered
     * {@code 307} to the same path on the owner (RFC 9725 §4.5), and its session's {@code Location} is then there.
     * {@code 503} with {@code Retry-After} when no node can be told. False when the room lives here, or when
     * another node relayed the request here.
     */
    private boolean sentToOwner(Context ctx, UUID room) {
        java.util.Optional<java.net.URI> owner;
        try {
            owner = home.elsewhere(room);
        } catch (RoomHome.Unavailable e) {
            LOG.warn("cannot place room {}: {}", room, e.getMessage());
            ctx.header("Retry-After", "2");
            throw new ApiException(503, "unavailable", "the room cannot be placed on a node right now; try again", null);
        }
        if (owner.isEmpty() || relay.relayed(ctx)) {
            return false;
        }
        if (ctx.header("Origin") == null) {
            ctx.status(307).header("Location", owner.get() + HttpRelay.target(ctx));
        } else { // with Content-Type and Authorization, not Origin; its Location is a path, so the page's DELETE comes here too
            relay.relay(ctx, owner.get(), List.of("Content-Type", "Authorization"),
                    List.of("Location", "ETag", "Link", "Retry-After", "Content-Type"));
        }
        return true;
    }

    /** The open sessions of {@code kind} ("whip" or "whep"), for metrics. */
    public long sessionCount(String kind) {
        return sessions.values().stream().filter(s -> s.kind().equals(kind)).count();
    }

    /** The ICE session's entity-tag (RFC 9725 §4.3): a new ICE session, a new tag. */
    static String etag(MediaPeer peer) {
        return "\"" + peer.localCredentials().ufrag() + "\"";
    }

    private void end(Context ctx) {
        UUID room = roomId(ctx);
        AccessToken token = token(ctx, room);
        requireRoom(room);
        Session s = sessions.get(ctx.pathParam("session"));
        if (s == null || !s.room().equals(room)) {
            if (ctx.header("Origin") != null && sentToOwner(ctx, room)) {
                return; // a browser's session on the owner, relayed (a client that followed a 307 DELETEs there)
            }
            throw ApiException.notFound("no such session");
        }
        if (!s.identity().equals(token.identity()) && !token.admin()) {
            throw new ApiException(403, "forbidden", "only the session's own identity or an admin may end it", null);
        }
        s.peer().close("ended by DELETE");
        ctx.status(200);
    }

    /** The room UUID of the path; checked against the token before {@link #requireRoom} reads the database. */
    private static UUID roomId(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("room"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badField("room", "the room in the path must be a room UUID");
        }
    }

    /**
     * 404 unless {@code room} exists. After the token is verified (in memory): a request without a token of that room
     * costs no database read (docs/SECURITY.md, finding 18).
     */
    private void requireRoom(UUID room) {
        rooms.find(room).orElseThrow(() -> ApiException.notFound("room not found"));
    }

    private AccessToken token(Context ctx, UUID room) {
        String header = ctx.header("Authorization");
        String bearer = Bearer.token(header)
                .orElseThrow(() -> new AuthException("WHIP/WHEP need 'Authorization: Bearer <access token>' for this room"));
        return tokens.verify(bearer, Optional.of(room));
    }

    private static String offer(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase().startsWith(SDP)) {
            throw new ApiException(415, "unsupported_media_type", "send the SDP offer with Content-Type: application/sdp", null);
        }
        String body = ctx.body();
        if (body.isBlank()) {
            throw ApiException.badRequest("invalid_sdp", "the request body must be an SDP offer");
        }
        return body;
    }

    private static int size(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= 8192) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badField(name, name + " must be a number of pixels from 0 to 8192");
    }
}
