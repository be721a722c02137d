package io.atrium.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.peer.ClientPeer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A scenario that cannot run still gives one result per window, so the table's rows stay in line with the others. */
class LoadRunnerTest {

    /** A server that refuses the room (a unit test's stand-in for the one interface LoadRunner drives). */
    private static final class Refusing implements Sfu {
        @Override
        public String name() {
            return "Refusing";
        }

        @Override
        public String describe() {
            return "refuses every room";
        }

        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public void createRoom(int publishers) {
            throw new IllegalStateException("no rooms here");
        }

        @Override
        public void publish(Publisher publisher, ClientPeer peer) {
            throw new AssertionError("no room was made");
        }

        @Override
        public void subscribe(int index, ClientPeer peer, int publishers, int layer, MediaProfile media) {
            throw new AssertionError("no room was made");
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFailedScenarioIsAFailedResultForEveryWindow() {
        List<String> log = new ArrayList<>();
        LoadRunner runner = new LoadRunner(new LoadRunner.Duration(1), new LoadRunner.Duration(1), 3, 1, log::add);
        List<RunResult> results = runner.run(new Refusing(), Scenario.parse("1x2a", 300));
        assertThat(results).hasSize(3).allSatisfy(r -> {
            assertThat(r.ok()).isFalse();
            assertThat(r.failure()).isEqualTo("no rooms here");
            assertThat(r.server()).isEqualTo("Refusing");
        });
        assertThat(log).anyMatch(l -> l.contains("Refusing FAILED") && l.contains("no rooms here"));
    }
}
