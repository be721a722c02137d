package io.atrium.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.Closer;
import io.atrium.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The revocations' journal on embedded H2 and on a real PostgreSQL, as the nodes of a cluster read it
 * (docs/SCALING.md, "Revocations"): those saved after a position, in the order saved, a page at a time, none
 * expired; and a reader that follows while several writers save concurrently reads every revocation exactly once.
 */
class RevocationStoreTest {

    private static final Instant T0 = Instant.parse("2026-12-05T03:00:00Z");

    @TempDir
    java.nio.file.Path dataDir;
    @RegisterExtension
    final Closer open = new Closer();

    private RevocationStore store(TestServer.Db kind) {
        return new RevocationStore(open.track(Database.open(TestServer.config(kind, dataDir).database(), dataDir)).jdbc());
    }

    private static Revocation token(String jti, Instant until) {
        return new Revocation(jti, null, null, T0, until);
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void readsWhatWasSavedAfterAPositionInOrderAPageAtATime(TestServer.Db kind) {
        RevocationStore store = store(kind);
        Revocation.Read none = store.after(Revocation.Journal.START, T0, 10);
        assertThat(none.revocations()).isEmpty();
        assertThat(none.last()).isEqualTo(Revocation.Journal.START);

        UUID room = UUID.randomUUID();
        store.save(token("a", T0.plusSeconds(60)));
        store.save(new Revocation(null, room, "eve", T0, T0.plusSeconds(60)));
        store.save(token("expired", T0.minusSeconds(1)));
        store.save(token("c", T0.plusSeconds(60)));

        Revocation.Read first = store.after(Revocation.Journal.START, T0, 2);
        assertThat(first.revocations()).extracting(r -> r.jti() != null ? r.jti() : r.identity()).containsExactly("a", "eve");
        assertThat(first.revocations().get(1).room()).isEqualTo(room);
        Revocation.Read rest = store.after(first.last(), T0, 2);
        assertThat(rest.revocations()).as("the expired one is not read").extracting(Revocation::jti).containsExactly("c");
        assertThat(rest.last()).isGreaterThan(first.last());
        Revocation.Read nothingNew = store.after(rest.last(), T0, 2);
        assertThat(nothingNew.revocations()).isEmpty();
        assertThat(nothingNew.last()).isEqualTo(rest.last());
        store.save(token("d", T0.plusSeconds(60)));
        assertThat(store.after(rest.last(), T0, 2).revocations()).extracting(Revocation::jti).containsExactly("d");
    }

    @ParameterizedTest
    @EnumSource(TestServer.Db.class)
    void aFollowingReaderReadsEveryConcurrentSaveOnce(TestServer.Db kind) throws Exception {
        RevocationStore store = store(kind);
        int writers = 6;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> saving = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                saving.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        store.save(token(writer + "-" + i, T0.plusSeconds(60)));
                    }
                }));
            }
            List<String> read = new ArrayList<>();
            long position = Revocation.Journal.START;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read.size() < writers * each && System.nanoTime() < deadline) {
                Revocation.Read page = store.after(position, T0, 7);
                page.revocations().forEach(r -> read.add(r.jti()));
                position = page.last();
            }
            for (Future<?> f : saving) {
                f.get(60, TimeUnit.SECONDS);
            }
            read.addAll(store.after(position, T0, Integer.MAX_VALUE).revocations().stream().map(Revocation::jti).toList());
            Set<String> distinct = new HashSet<>(read);
            assertThat(distinct).as("every save read").hasSize(writers * each);
            assertThat(read).as("none read twice").hasSize(writers * each);
        } finally {
            pool.shutdownNow();
        }
    }
}
