package io.atrium.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.Closer;
import io.atrium.server.testing.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each room keeps its newest {@link ChatStore#KEPT_PER_ROOM} chat messages on disk (docs/SECURITY.md, finding 19):
 * adding one more deletes the oldest, so a room's history cannot grow without bound, while the newest messages (what
 * a rejoining member reads) are all there and another room's history is untouched. Embedded H2, real SQL.
 */
class ChatRetentionTest {

    @TempDir
    java.nio.file.Path dataDir;
    @RegisterExtension
    final Closer open = new Closer();

    @Test
    void aRoomKeepsItsNewestMessagesAndNoMore() throws Exception {
        Database db = open.track(Database.open(TestServer.config(TestServer.Db.H2, dataDir).database(), dataDir));
        RoomStore rooms = new RoomStore(db.jdbc(), Clock.systemUTC());
        ChatStore chat = new ChatStore(db.jdbc(), Clock.systemUTC());
        UUID busy = rooms.create(spec("busy"), Optional.empty()).orElseThrow().uuid();
        UUID quiet = rooms.create(spec("quiet"), Optional.empty()).orElseThrow().uuid();
        chat.add(quiet, "ann", null, "Ann", "still here");

        int extra = 5;
        for (int i = 1; i <= ChatStore.KEPT_PER_ROOM + extra; i++) {
            chat.add(busy, "ben", null, "Ben", "message " + i);
        }

        assertThat(rows(db, busy)).isEqualTo(ChatStore.KEPT_PER_ROOM);
        List<ChatStore.Message> newest = chat.history(busy, Optional.empty(), 200);
        assertThat(newest).hasSize(200);
        assertThat(newest.get(199).text()).isEqualTo("message " + (ChatStore.KEPT_PER_ROOM + extra));
        // paging back to the oldest kept: the first extra are gone, the next one is the oldest
        Optional<UUID> before = Optional.of(newest.get(0).id());
        ChatStore.Message oldest = newest.get(0);
        for (int page = 0; page < 10; page++) {
            List<ChatStore.Message> older = chat.history(busy, before, 200);
            if (older.isEmpty()) {
                break;
            }
            oldest = older.get(0);
            before = Optional.of(oldest.id());
        }
        assertThat(oldest.text()).isEqualTo("message " + (extra + 1));
        assertThat(chat.history(quiet, Optional.empty(), 50)).extracting(ChatStore.Message::text).containsExactly("still here");
    }

    private static RoomSpec spec(String name) {
        return new RoomSpec(name, RoomSpec.PasswordChange.KEEP, null, true, false, false, List.of(), false);
    }

    private static long rows(Database db, UUID room) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("select count(*) from chat_messages where room_uuid = ?")) {
            s.setObject(1, room);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
