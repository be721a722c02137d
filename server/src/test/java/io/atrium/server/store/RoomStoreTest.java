package io.atrium.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.Closer;
import io.atrium.server.testing.TestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rooms kept by a facade or feature, on embedded H2 and on a real PostgreSQL: {@code listOwned} gives that owner's
 * rooms only, oldest first, without the deleted ones, through the {@code rooms_owner_name} index (what SIP reads
 * when a node is gone, instead of every room).
 */
class RoomStoreTest {

    @TempDir
    java.nio.file.Path dataDir;
    @RegisterExtension
    final Closer open = new Closer();
    private Database db;

    private static RoomSpec spec(String name) {
        return new RoomSpec(name, RoomSpec.PasswordChange.KEEP, null, true, false, false, List.of(), false);
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void anOwnersRoomsAreListedWithoutTheOthersOrTheDeleted(TestServer.Db kind) throws Exception {
        db = open.track(Database.open(TestServer.config(kind, dataDir).database(), dataDir));
        RoomStore rooms = new RoomStore(db.jdbc(), Clock.systemUTC());
        Room first = rooms.create(spec("call-1"), "sip_temp");
        rooms.create(spec("stream"), Room.LIVE);
        rooms.create(spec("native"), Optional.empty()).orElseThrow();
        Room gone = rooms.create(spec("call-2"), "sip_temp");
        Room third = rooms.create(spec("call-3"), "sip_temp");
        assertThat(rooms.delete(gone.uuid())).isTrue();

        assertThat(rooms.listOwned("sip_temp")).extracting(Room::uuid).containsExactlyInAnyOrder(first.uuid(), third.uuid());
        assertThat(rooms.listOwned(Room.LIVE)).extracting(Room::name).containsExactly("stream");
        assertThat(rooms.listOwned("nobody")).isEmpty();
        assertThat(indexes()).as("the index the lookups by owner use").contains("rooms_owner_name");
    }

    /** The indexes of table {@code rooms}, lower case, as the driver reports them. */
    private List<String> indexes() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            for (String table : List.of("rooms", "ROOMS")) {
                try (ResultSet rs = c.getMetaData().getIndexInfo(null, null, table, false, false)) {
                    while (rs.next()) {
                        String name = rs.getString("INDEX_NAME");
                        if (name != null) {
                            names.add(name.toLowerCase(Locale.ROOT));
                        }
                    }
                }
            }
        }
        return names;
    }
}
