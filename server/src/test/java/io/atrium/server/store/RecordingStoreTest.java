package io.atrium.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.Closer;
import io.atrium.server.testing.TestServer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Recordings' rows on embedded H2 and on a real PostgreSQL: the node that records each is kept; a gone node's
 * recordings still recording or finishing are given up (failed, no finish time) once and only theirs; and a given-up
 * recording can still be stopped and finished by the node that has its track files (docs/RECORDING.md).
 */
class RecordingStoreTest {

    private static final Instant T0 = Instant.parse("2026-12-03T20:00:00Z");

    @TempDir
    java.nio.file.Path dataDir;
    @RegisterExtension
    final Closer open = new Closer();
    private Database db;

    private RecordingStore store(TestServer.Db kind) {
        db = open.track(Database.open(TestServer.config(kind, dataDir).database(), dataDir));
        return new RecordingStore(db.jdbc());
    }

    private UUID room() {
        return new RoomStore(db.jdbc(), Clock.systemUTC()).create(new RoomSpec("recorded", RoomSpec.PasswordChange.KEEP, null, true,
                false, false, List.of(), false), Optional.empty()).orElseThrow().uuid();
    }

    private static RecordingRow recording(UUID room, int second, String node) {
        return new RecordingRow(UUID.randomUUID(), room, RecordingRow.RECORDING, false, T0.plusSeconds(second), null, null, null, node);
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void aGoneNodesRecordingsInProgressAreGivenUpOnceAndOnlyTheirs(TestServer.Db kind) {
        RecordingStore store = store(kind);
        UUID room = room();
        RecordingRow recording = store.insert(recording(room, 0, "n3"));
        RecordingRow finishing = store.insert(recording(room, 1, "n3"));
        store.stopped(finishing.id(), T0.plusSeconds(5), "n3").orElseThrow();
        RecordingRow ready = store.insert(recording(room, 2, "n3"));
        store.stopped(ready.id(), T0.plusSeconds(6), "n3").orElseThrow();
        store.finished(ready.id(), RecordingRow.READY, T0.plusSeconds(7), null).orElseThrow();
        RecordingRow elsewhere = store.insert(recording(room, 3, "n1"));
        RecordingRow alone = store.insert(recording(room, 4, null));
        assertThat(store.find(recording.id()).orElseThrow().node()).isEqualTo("n3");

        Instant gone = T0.plusSeconds(60);
        List<RecordingRow> given = store.abandoned("n3", gone, "its node stopped");

        assertThat(given).extracting(RecordingRow::id).containsExactly(recording.id(), finishing.id());
        for (RecordingRow r : given) {
            RecordingRow stored = store.find(r.id()).orElseThrow();
            assertThat(stored).isEqualTo(r);
            assertThat(stored.state()).isEqualTo(RecordingRow.FAILED);
            assertThat(stored.finishedAt()).isNull();
            assertThat(stored.error()).isEqualTo("its node stopped");
        }
        assertThat(store.find(recording.id()).orElseThrow().stoppedAt()).isEqualTo(gone);
        assertThat(store.find(finishing.id()).orElseThrow().stoppedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(store.find(ready.id()).orElseThrow().state()).isEqualTo(RecordingRow.READY);
        assertThat(store.find(elsewhere.id()).orElseThrow().state()).isEqualTo(RecordingRow.RECORDING);
        assertThat(store.find(alone.id()).orElseThrow().state()).isEqualTo(RecordingRow.RECORDING);
        assertThat(store.abandoned("n3", gone.plusSeconds(1), "again")).isEmpty();
        // what a node may have left to finish: in progress, or given up; not what finished
        assertThat(store.unfinished()).extracting(RecordingRow::id)
                .containsExactly(recording.id(), finishing.id(), elsewhere.id(), alone.id());
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void aGivenUpRecordingIsFinishedByTheNodeThatHasItsTracksWhenItComesBack(TestServer.Db kind) {
        RecordingStore store = store(kind);
        RecordingRow r = store.insert(recording(room(), 0, "n3"));
        Instant gone = T0.plusSeconds(60);
        store.abandoned("n3", gone, "its node stopped");

        RecordingRow stopped = store.stopped(r.id(), T0.plusSeconds(90), "n3-again").orElseThrow();
        assertThat(stopped.state()).isEqualTo(RecordingRow.FINISHING);
        assertThat(stopped.stoppedAt()).as("the stop time the other node gave it stays").isEqualTo(gone);
        assertThat(stopped.node()).isEqualTo("n3-again");
        Instant done = T0.plusSeconds(95);
        RecordingRow finished = store.finished(r.id(), RecordingRow.READY, done, "kept what was written").orElseThrow();
        assertThat(finished.state()).isEqualTo(RecordingRow.READY);
        assertThat(finished.finishedAt()).isEqualTo(done);
        assertThat(finished.error()).isEqualTo("kept what was written");
        // finished once: neither a stop nor another finish changes it now
        assertThat(store.stopped(r.id(), done, "n1")).isEmpty();
        assertThat(store.finished(r.id(), RecordingRow.FAILED, done, null)).isEmpty();
        assertThat(store.unfinished()).isEmpty();

        // one given up while finishing is finished straight away too, and a failed one that finished stays so
        RecordingRow other = store.insert(recording(room(), 1, "n4"));
        store.abandoned("n4", gone, "its node stopped");
        assertThat(store.finished(other.id(), RecordingRow.FAILED, done, "no track was recorded")).isPresent();
        assertThat(store.stopped(other.id(), done, "n1")).isEmpty();
        assertThat(store.finished(other.id(), RecordingRow.READY, done, null)).isEmpty();
        assertThat(store.find(other.id()).orElseThrow().finishedAt()).isEqualTo(done);
    }
}
