package io.atrium.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.store.Database;
import io.atrium.server.testing.ManualClock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /readyz}'s answer asks a real (embedded) database at most once per second (docs/SECURITY.md, finding 18):
 * within the second a closed database is still reported as it was; after it, as it is.
 */
class ReadinessTest {

    @TempDir
    Path data;

    @Test
    void theDatabaseIsAskedAtMostOncePerSecond() {
        ManualClock clock = new ManualClock(1_000_000);
        Database db = Database.open(new AtriumConfig.Database("", "", "", 2), data);
        HttpApi.Readiness readiness = new HttpApi.Readiness(db, clock);
        assertThat(readiness.ready()).isTrue();
        db.close();
        clock.advance(HttpApi.Readiness.MILLIS - 1);
        assertThat(readiness.ready()).as("the answer of this second, not a new query").isTrue();
        clock.advance(1);
        assertThat(readiness.ready()).as("a second later the database is asked again").isFalse();
        assertThat(readiness.ready()).isFalse();
    }
}
