package io.atrium.server;

import io.atrium.server.api.HttpApi;
import io.atrium.server.auth.ApiKeys;
import io.atrium.server.auth.TokenService;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.ConfigException;
import io.atrium.server.store.Database;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.UserStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;

/** One running Atrium: database, stores, auth and the HTTP edge, wired by hand and stopped in reverse. */
public final class AtriumServer implements AutoCloseable {

    private final Database db;
    private final HttpApi http;

    private AtriumServer(Database db, HttpApi http) {
        this.db = db;
        this.http = http;
    }

    /** Starts everything or fails with a {@link ConfigException} after releasing what was opened. */
    public static AtriumServer start(AtriumConfig config) {
        try {
            Files.createDirectories(config.dataPath());
        } catch (IOException e) {
            throw new ConfigException("cannot create data_dir " + config.dataPath().toAbsolutePath() + ": " + e, e);
        }
        if (!Files.isWritable(config.dataPath())) {
            throw new ConfigException("data_dir " + config.dataPath().toAbsolutePath() + " is not writable");
        }
        Clock clock = Clock.systemUTC();
        Database db = Database.open(config.database(), config.dataPath());
        try {
            RoomStore rooms = new RoomStore(db.jdbc(), clock);
            UserStore users = new UserStore(db.jdbc(), clock);
            ApiKeys apiKeys = new ApiKeys(config.auth().apiKeys(), clock);
            TokenService tokens = new TokenService(config.auth().apiKeys(), clock);
            HttpApi http = new HttpApi(config, db, rooms, users, apiKeys, tokens).start();
            return new AtriumServer(db, http);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public Database database() {
        return db;
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() {
        try {
            http.stop();
        } finally {
            db.close();
        }
    }
}
