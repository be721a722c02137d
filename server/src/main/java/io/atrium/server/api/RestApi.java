package io.atrium.server.api;

import io.atrium.server.auth.ApiKeys;
import io.atrium.server.auth.PasswordHasher;
import io.atrium.server.auth.TokenService;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.files.VideoFileService;
import io.atrium.server.room.RoomService;
import io.atrium.server.sfu.Shards;
import io.atrium.server.sip.Registrar;
import io.atrium.server.sip.SipService;
import io.atrium.server.store.ChatStore;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.UserStore;
import io.javalin.config.RoutesConfig;

/**
 * The native REST API under {@code /v1} (docs/API.md): API credentials on every request, then rooms,
 * users, tokens, media stats, files and SIP registrations, with the one error mapping
 * ({@link ErrorMapper}). Mounted by the composition root ({@code http/HttpApi}).
 */
public final class RestApi {

    static final String API_KEY_ATTRIBUTE = "atrium.apiKey";

    private final ApiKeys apiKeys;
    private final RoomsApi rooms;
    private final UsersApi users;
    private final TokensApi tokens;
    private final MediaStatsApi mediaStats;
    private final FilesApi files;
    private final SipApi sip;
    private final RecordingsApi recordings;

    public RestApi(AtriumConfig config, RoomStore rooms, UserStore users, ChatStore chat, ApiKeys apiKeys, TokenService tokens,
                   Shards shards, RoomService roomService, VideoFileService videoFiles, Registrar registrar, SipService sip,
                   io.atrium.server.recording.RecordingService recordings) {
        PasswordHasher hasher = new PasswordHasher();
        this.apiKeys = apiKeys;
        this.rooms = new RoomsApi(rooms, hasher, roomService, chat);
        this.users = new UsersApi(users, hasher, config.sip().realm());
        this.tokens = new TokensApi(tokens, rooms, users, config.auth());
        this.mediaStats = new MediaStatsApi(rooms, shards);
        this.files = new FilesApi(videoFiles, rooms);
        this.sip = new SipApi(registrar, sip, rooms);
        this.recordings = new RecordingsApi(recordings, videoFiles, rooms);
    }

    /** The error mapping for every route (REST and the edges that answer in its envelope). */
    public static void errors(RoutesConfig r) {
        ErrorMapper.install(r);
    }

    public void routes(RoutesConfig r) {
        r.before("/v1/*", ctx -> ctx.attribute(API_KEY_ATTRIBUTE, apiKeys.authenticate(ctx.header("Authorization"))));
        rooms.routes(r);
        users.routes(r);
        tokens.routes(r);
        mediaStats.routes(r);
        files.routes(r);
        sip.routes(r);
        recordings.routes(r);
    }
}
