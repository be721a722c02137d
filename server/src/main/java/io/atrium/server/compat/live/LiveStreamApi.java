package io.atrium.server.compat.live;

import io.atrium.server.auth.Secrets;
import io.atrium.server.compat.EventParams;
import io.atrium.server.compat.RoomNode;
import io.atrium.server.compat.live.LiveStreams.LiveException;
import io.atrium.server.config.Compat;
import io.atrium.server.edge.AttemptGuard;
import io.atrium.server.edge.ClientAddress;
import io.atrium.server.edge.TooManyRequests;
import io.atrium.server.room.RoomHome;
import io.atrium.server.state.StateService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contract 000 at its root paths: {@code POST /verify-passcode}, {@code /create-stream},
 * {@code /join-stream-as-speaker}, {@code /join-stream-as-viewer}, {@code /viewer-connected-to-player},
 * {@code /raise-hand}, {@code /remove-speaker}, {@code /send-speaker-invite} and {@code /delete-stream}.
 * Every request is checked against the configured passcode first (a wrong one counts against the
 * client address in the shared {@link AttemptGuard}: past its limit, 429 "too many requests" with
 * {@code Retry-After}); errors are {@code {"error": {"message", "explanation"}}} with the texts of
 * docs/CONTRACTS.md.
 */
public final class LiveStreamApi {

    private static final Logger log = LoggerFactory.getLogger(LiveStreamApi.class);

    private final LiveStreams streams;
    private final Compat.Live config;
    private final Instant expiry;
    private final Clock clock;
    private final ClientAddress clients;
    private final AttemptGuard guard;
    private final RoomNode node;

    /** {@code node}: where a stream is (the node that runs its room; docs/SCALING.md). */
    public LiveStreamApi(LiveStreams streams, Compat.Live config, Clock clock, ClientAddress clients, AttemptGuard guard, RoomNode node) {
        this.streams = streams;
        this.node = node;
        this.clients = clients;
        this.guard = guard;
        this.config = config;
        this.expiry = config.expiry();
        this.clock = clock;
        if (config.passcode().isEmpty()) {
            log.info("compat.live.passcode is not set: the live streaming endpoints (contract 000) refuse every request");
        }
    }

    public void routes(RoutesConfig r) {
        r.post("/verify-passcode", ctx -> handle(ctx, p -> Optional.empty(), p -> Map.of("verified", true)));
        r.post("/create-stream", ctx -> handle(ctx, this::stream, p -> streams.create(identity(p), streamName(p)).body()));
        r.post("/join-stream-as-speaker", ctx -> handle(ctx, this::stream, p -> streams.joinAsSpeaker(identity(p), streamName(p), hostToken(p)).body()));
        r.post("/join-stream-as-viewer", ctx -> handle(ctx, this::stream, p -> streams.joinAsViewer(identity(p), streamName(p)).body()));
        r.post("/viewer-connected-to-player", ctx -> handle(ctx, this::stream, p -> {
            streams.viewerConnected(identity(p), streamName(p));
            return Map.of("success", true);
        }));
        r.post("/raise-hand", ctx -> handle(ctx, this::stream, p -> {
            String identity = identity(p);
            String name = streamName(p);
            if (p.get("hand_raised").isEmpty()) {
                throw missing("hand_raised");
            }
            boolean raised = p.bool("hand_raised").orElseThrow(() ->
                    new LiveException(400, "invalid hand_raised", "The hand_raised parameter must be true or false."));
            streams.raiseHand(identity, name, raised);
            return Map.of("sent", true);
        }));
        r.post("/remove-speaker", ctx -> handle(ctx, p -> streams.room(required(p, "room_name")), p -> {
            String identity = identity(p);
            streams.removeSpeaker(identity, required(p, "room_name"));
            return Map.of("removed", true);
        }));
        r.post("/send-speaker-invite", ctx -> handle(ctx, p -> LiveStreams.uuid(required(p, "room_sid")), p -> {
            String identity = identity(p);
            streams.sendSpeakerInvite(identity, required(p, "room_sid"));
            return Map.of("sent", true);
        }));
        r.post("/delete-stream", ctx -> handle(ctx, this::stream, p -> {
            streams.delete(streamName(p));
            return Map.of("deleted", true);
        }));
    }

    private interface Endpoint {
        Object run(EventParams params);
    }

    private Optional<UUID> stream(EventParams p) {
        return streams.room(streamName(p));
    }

    private void handle(Context ctx, RoomNode.RoomOf roomOf, Endpoint endpoint) {
        String client = clients.of(ctx);
        try {
            guard.admit(client);
            try {
                checkPasscode(ctx.header("Authorization"));
            } catch (LiveException e) {
                guard.failed(client);
                throw e;
            }
            EventParams params = EventParams.of(ctx);
            if (node.relayed(ctx, roomOf, params, LiveException.class)) {
                return;
            }
            ctx.status(200).json(node.answer(roomOf, params, () -> endpoint.run(params)));
        } catch (RoomHome.Unavailable e) {
            ctx.header("Retry-After", "2");
            error(ctx, 503, "unavailable", "The stream's server cannot be found right now; try again.");
        } catch (StateService.NotKept e) {
            ctx.header("Retry-After", "2");
            error(ctx, 503, "not kept", e.getMessage());
        } catch (LiveException e) {
            error(ctx, e.status, e.getMessage(), e.explanation);
        } catch (TooManyRequests e) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds));
            error(ctx, 429, "too many requests", "Too many requests from this address: " + e.getMessage() + ".");
        }
    }

    private static void error(Context ctx, int status, String message, String explanation) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("explanation", explanation);
        ctx.status(status).json(Map.of("error", error));
    }

    private void checkPasscode(String header) {
        if (expiry != null && !clock.instant().isBefore(expiry)) {
            throw new LiveException(401, "passcode expired",
                    "The passcode used to validate application users has expired. Re-deploy the application to refresh the passcode.");
        }
        if (config.passcode().isEmpty() || header == null || !Secrets.equal(config.passcode(), header)) {
            throw new LiveException(401, "passcode incorrect", "The passcode used to validate application users is incorrect.");
        }
    }

    private static String identity(EventParams p) {
        return limited(p, "user_identity");
    }

    /** {@code host_token} (Atrium): the host's proof for a re-join as host; at most a token's length. */
    private static Optional<String> hostToken(EventParams p) {
        Optional<String> token = p.get("host_token");
        if (token.isPresent() && token.get().length() > 8192) {
            throw new LiveException(400, "invalid host_token", "The host_token parameter is too long.");
        }
        return token;
    }

    private static String streamName(EventParams p) {
        return limited(p, "stream_name");
    }

    private static String limited(EventParams p, String name) {
        String value = required(p, name);
        if (value.length() > LiveStreams.MAX_NAME) {
            throw new LiveException(400, "invalid " + name,
                    "The " + name + " parameter must have at most " + LiveStreams.MAX_NAME + " characters.");
        }
        return value;
    }

    private static String required(EventParams p, String name) {
        return p.get(name).orElseThrow(() -> missing(name));
    }

    private static LiveException missing(String name) {
        return new LiveException(400, "missing " + name, "The " + name + " parameter is missing.");
    }
}
