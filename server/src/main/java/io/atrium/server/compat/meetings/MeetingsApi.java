package io.atrium.server.compat.meetings;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.atrium.server.auth.ApiKeys;
import io.atrium.server.auth.AuthException;
import io.atrium.server.auth.Bearer;
import io.atrium.server.auth.Secrets;
import io.atrium.server.compat.EventParams;
import io.atrium.server.compat.RoomNode;
import io.atrium.server.compat.meetings.Meetings.MeetingException;
import io.atrium.server.config.Compat;
import io.atrium.server.edge.AttemptGuard;
import io.atrium.server.edge.ClientAddress;
import io.atrium.server.edge.Json;
import io.atrium.server.edge.TooManyRequests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contract 001: {@code POST /admin/create}, {@code /admin/join}, {@code /user/enter-waiting-room} and
 * {@code /user/join}. Errors are bare JSON strings ({@code "Error: Missing meeting_id"}); every
 * response, errors and CORS preflights included, carries {@code Access-Control-Allow-Origin: *}.
 * The admin endpoints need the server's API credentials or the configured admin passcode. A wrong
 * passcode, an unknown meeting id or an identity that may not join counts against the client address
 * in the shared {@link AttemptGuard}; past its limit every request from it gets 429
 * {@code "Error: too many requests …"} with {@code Retry-After}, and nothing is stored.
 */
public final class MeetingsApi {

    static final String[] PATHS = {"/admin/create", "/admin/join", "/user/enter-waiting-room", "/user/join"};
    static final int MAX_NAME = 128;
    private static final Logger log = LoggerFactory.getLogger(MeetingsApi.class);

    private final Meetings meetings;
    private final ApiKeys apiKeys;
    private final Compat.Meetings config;
    private final ClientAddress clients;
    private final AttemptGuard guard;
    private final RoomNode node;

    /** {@code node}: where a meeting's waiting document is (the node of its room; docs/SCALING.md). */
    public MeetingsApi(Meetings meetings, ApiKeys apiKeys, Compat.Meetings config, ClientAddress clients, AttemptGuard guard,
                       RoomNode node) {
        this.meetings = meetings;
        this.node = node;
        this.clients = clients;
        this.guard = guard;
        this.apiKeys = apiKeys;
        this.config = config;
    }

    public void routes(RoutesConfig r) {
        r.before("/admin/*", MeetingsApi::cors);
        r.before("/user/*", MeetingsApi::cors);
        for (String path : PATHS) {
            r.options(path, ctx -> ctx.status(204)
                    .header("Access-Control-Allow-Methods", "POST, OPTIONS")
                    .header("Access-Control-Allow-Headers", "Authorization, Content-Type")
                    .header("Access-Control-Max-Age", "600"));
        }
        r.post("/admin/create", ctx -> handle(ctx, p -> Optional.empty(), p -> {
            requireAdmin(ctx);
            Optional<Integer> digits = p.get("n_digits").map(MeetingsApi::digits);
            return Map.of("meeting_id", Long.parseLong(meetings.create(digits))); // a number, as the document shows
        }));
        r.post("/admin/join", ctx -> handle(ctx, p -> {
            requireAdmin(ctx);
            return Optional.of(meetings.room(required(p, "meeting_id")));
        }, p -> {
            requireAdmin(ctx);
            String meetingId = required(p, "meeting_id");
            // the document's {room_id, identity, token} and the original code's {"video_params": {...}} in one
            Map<String, Object> params = meetings.adminJoin(meetingId, name(p)).body();
            Map<String, Object> body = new java.util.LinkedHashMap<>(params);
            body.put("video_params", params);
            return body;
        }));
        r.post("/user/enter-waiting-room", ctx -> handle(ctx, this::room, p -> meetings.enterWaitingRoom(required(p, "meeting_id"))));
        r.post("/user/join", ctx -> handle(ctx, this::room, p -> {
            String meetingId = required(p, "meeting_id");
            String roomId = required(p, "room_id");
            String identity = required(p, "identity");
            return meetings.userJoin(meetingId, roomId, identity, name(p)).body();
        }));
    }

    private interface Endpoint {
        Object run(EventParams params);
    }

    private Optional<UUID> room(EventParams p) {
        return Optional.of(meetings.room(required(p, "meeting_id")));
    }

    private static void cors(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
    }

    private void handle(Context ctx, RoomNode.RoomOf roomOf, Endpoint endpoint) throws JsonProcessingException {
        String client = clients.of(ctx);
        try {
            guard.admit(client);
            EventParams params = EventParams.of(ctx);
            if (node.relayed(ctx, roomOf, params, MeetingException.class)) {
                return;
            }
            ctx.status(200).json(node.answer(roomOf, params, () -> endpoint.run(params)));
        } catch (TooManyRequests e) {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds));
            ctx.status(429).contentType("application/json").result(Json.MAPPER.writeValueAsString("Error: " + e.getMessage()));
        } catch (MeetingException e) {
            if (e.status == 403 || e.status == 404) {
                guard.failed(client); // a wrong passcode, meeting id or identity: a guess
            }
            ctx.status(e.status).contentType("application/json").result(Json.MAPPER.writeValueAsString(e.getMessage()));
        } catch (RuntimeException e) {
            log.error("{} failed", ctx.path(), e);
            ctx.status(500).contentType("application/json").result(Json.MAPPER.writeValueAsString(Meetings.CANNOT_CREATE));
        }
    }

    /** Server API credentials (Basic or Bearer JWT) or the admin passcode, else the 403 string. */
    private void requireAdmin(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null) {
            String passcode = config.adminPasscode();
            if (!passcode.isEmpty() && (Secrets.equal(passcode, header)
                    || Bearer.token(header).filter(t -> Secrets.equal(passcode, t)).isPresent())) {
                return;
            }
            try {
                apiKeys.authenticate(header);
                return;
            } catch (AuthException e) {
                // refused below
            }
        }
        throw new MeetingException(403, Meetings.NOT_AUTHORIZED);
    }

    private static int digits(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= Meetings.MAX_DIGITS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new MeetingException(400, "Error: n_digits must be an integer from 1 to " + Meetings.MAX_DIGITS);
    }

    private static Optional<String> name(EventParams p) {
        return p.get("name").map(String::trim).filter(n -> !n.isEmpty())
                .map(n -> n.length() > MAX_NAME ? n.substring(0, MAX_NAME) : n);
    }

    private static String required(EventParams p, String name) {
        return p.get(name).orElseThrow(() -> new MeetingException(400, "Error: Missing " + name));
    }
}
