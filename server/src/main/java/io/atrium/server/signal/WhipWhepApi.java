package io.atrium.server.signal;

import io.atrium.server.api.ApiException;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.AuthException;
import io.atrium.server.auth.Grants;
import io.atrium.server.auth.TokenService;
import io.atrium.server.auth.TurnCredentials;
import io.atrium.server.sfu.Negotiator;
import io.atrium.server.sfu.Negotiator.Negotiated;
import io.atrium.server.sfu.MediaKind;
import io.atrium.server.sfu.Router;
import io.atrium.server.sfu.Sfu;
import io.atrium.server.sfu.Subscription;
import io.atrium.server.sfu.TrackInfo;
import io.atrium.server.store.RoomStore;
import io.atrium.server.transport.MediaPeer;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * WHIP (RFC 9725) to publish into a room and WHEP to play it, each a single SDP offer/answer over
 * HTTP: {@code POST /whip/{room}} and {@code POST /whep/{room}} with an access token
 * ({@code Authorization: Bearer}) for that room answer {@code 201} with the SDP answer and a
 * {@code Location} whose {@code DELETE} ends the session. Atrium is ICE-lite with all candidates in
 * the answer, so trickle ({@code PATCH}) is answered {@code 405}. WHEP takes optional
 * {@code ?width=&height=}, the size the player renders at, to pick a simulcast layer.
 */
public final class WhipWhepApi {

    static final String SDP = "application/sdp";

    private record Session(String kind, UUID room, String identity, MediaPeer peer) {
    }

    private final TokenService tokens;
    private final TurnCredentials turn;
    private final RoomStore rooms;
    private final Sfu sfu;
    private final Negotiator negotiator;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** The answers carry {@code turn}'s ICE servers as {@code Link} headers (RFC 9725 §4.6). */
    public WhipWhepApi(TokenService tokens, RoomStore rooms, Sfu sfu, TurnCredentials turn) {
        this.turn = turn;
        this.tokens = tokens;
        this.rooms = rooms;
        this.sfu = sfu;
        this.negotiator = new Negotiator(sfu.transport());
    }

    public void routes(RoutesConfig r) {
        r.post("/whip/{room}", this::publish);
        r.post("/whep/{room}", this::play);
        for (String kind : new String[] {"whip", "whep"}) {
            r.delete("/" + kind + "/{room}/{session}", this::end);
            r.patch("/" + kind + "/{room}/{session}", ctx -> {
                ctx.header("Allow", "DELETE");
                throw new ApiException(405, "method_not_allowed", "Atrium is ICE-lite and sends every candidate in the answer;"
                        + " trickle ICE (PATCH) is not needed", null);
            });
        }
    }

    private void publish(Context ctx) {
        UUID room = room(ctx);
        AccessToken token = token(ctx, room);
        if (!token.grants().publish()) {
            throw new ApiException(403, "forbidden", "this token may not publish", null);
        }
        String offer = offer(ctx);
        Router router = sfu.join(room);
        Negotiated<TrackInfo> n;
        try {
            n = negotiator.publish(offer);
        } catch (RuntimeException e) {
            router.release();
            throw e;
        }
        for (TrackInfo t : n.items()) {
            Grants.Source source = t.kind() == MediaKind.AUDIO ? Grants.Source.MICROPHONE : Grants.Source.CAMERA;
            if (!token.grants().mayPublish(source)) {
                router.release();
                n.peer().close("not allowed to publish " + source);
                throw new ApiException(403, "forbidden", "this token may not publish " + source.name().toLowerCase(), null);
            }
        }
        router.addPublisher(n.peer(), n.items());
        created(ctx, "whip", room, token, n.peer(), n.answer());
    }

    private void play(Context ctx) {
        UUID room = room(ctx);
        AccessToken token = token(ctx, room);
        if (!token.grants().subscribe()) {
            throw new ApiException(403, "forbidden", "this token may not subscribe", null);
        }
        String offer = offer(ctx);
        int width = size(ctx, "width");
        int height = size(ctx, "height");
        Router router = sfu.join(room);
        Negotiated<Subscription> n;
        try {
            n = negotiator.subscribe(offer, router.tracks(), width, height);
        } catch (RuntimeException e) {
            router.release();
            throw e;
        }
        if (n.items().isEmpty()) {
            router.release();
            n.peer().close("nothing to play");
            throw ApiException.notFound("nothing is being published in this room yet");
        }
        router.addSubscriber(n.peer(), n.items());
        created(ctx, "whep", room, token, n.peer(), n.answer());
    }

    private void created(Context ctx, String kind, UUID room, AccessToken token, MediaPeer peer, String answer) {
        sessions.put(peer.id(), new Session(kind, room, token.identity(), peer));
        peer.onClose(() -> sessions.remove(peer.id()));
        for (String link : turn.linkHeaders(token.identity())) {
            ctx.res().addHeader("Link", link);
        }
        ctx.status(201)
                .header("Location", "/" + kind + "/" + room + "/" + peer.id())
                .contentType(SDP)
                .result(answer);
    }

    /** The open sessions of {@code kind} ("whip" or "whep"), for metrics. */
    public long sessionCount(String kind) {
        return sessions.values().stream().filter(s -> s.kind().equals(kind)).count();
    }

    private void end(Context ctx) {
        UUID room = room(ctx);
        AccessToken token = token(ctx, room);
        Session s = sessions.get(ctx.pathParam("session"));
        if (s == null || !s.room().equals(room)) {
            throw ApiException.notFound("no such session");
        }
        if (!s.identity().equals(token.identity()) && !token.admin()) {
            throw new ApiException(403, "forbidden", "only the session's own identity or an admin may end it", null);
        }
        s.peer().close("ended by DELETE");
        ctx.status(200);
    }

    private UUID room(Context ctx) {
        UUID room;
        try {
            room = UUID.fromString(ctx.pathParam("room"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badField("room", "the room in the path must be a room UUID");
        }
        rooms.find(room).orElseThrow(() -> ApiException.notFound("room not found"));
        return room;
    }

    private AccessToken token(Context ctx, UUID room) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new AuthException("WHIP/WHEP need 'Authorization: Bearer <access token>' for this room");
        }
        return tokens.verify(header.substring(7).trim(), Optional.of(room));
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
