package io.atrium.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Linger}: when the generator's event loop polls and when it blocks. */
class LingerTest {

    /** A poll that answers the queued counts in turn, then 0. */
    private static final class Polls implements IntSupplier {
        private final ArrayDeque<Integer> ready;
        int calls;

        Polls(Integer... ready) {
            this.ready = new ArrayDeque<>(List.of(ready));
        }

        @Override
        public int get() {
            calls++;
            Integer n = ready.poll();
            return n == null ? 0 : n;
        }
    }

    @Test
    void withinTheLingerAfterAWakeUpItPollsWithoutBlocking() throws Exception {
        SelectStrategy s = new Linger(TimeUnit.SECONDS.toNanos(60)).newSelectStrategy();
        Polls polls = new Polls();
        assertThat(s.calculateStrategy(polls, false)).as("idle from the start: block").isEqualTo(SelectStrategy.SELECT);
        // woken (datagrams, a task or a timer): from now on it polls, however many empty polls come
        for (int i = 0; i < 1_000; i++) {
            assertThat(s.calculateStrategy(polls, false)).isZero();
        }
        assertThat(polls.calls).as("one non-blocking poll per round").isEqualTo(1_001);
    }

    @Test
    void datagramsFoundAreHandedOnAndTheLoopBlocksOnceTheLingerHasPassed() throws Exception {
        SelectStrategy s = new Linger(TimeUnit.MILLISECONDS.toNanos(1)).newSelectStrategy();
        Polls polls = new Polls(3, 2);
        assertThat(s.calculateStrategy(polls, false)).isEqualTo(3);
        assertThat(s.calculateStrategy(polls, false)).isEqualTo(2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int strategy = 0;
        while (strategy == 0 && System.nanoTime() < deadline) { // polls until 1 ms after the last datagram, then blocks
            strategy = s.calculateStrategy(polls, false);
        }
        assertThat(strategy).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void pendingTasksNeverBlock() throws Exception {
        SelectStrategy s = new Linger(1).newSelectStrategy();
        Polls polls = new Polls();
        assertThat(s.calculateStrategy(polls, true)).isZero();
        assertThat(s.calculateStrategy(polls, true)).isZero();
    }

    @Test
    void zeroKeepsNettysDefaultOfBlockingWheneverIdle() throws Exception {
        SelectStrategy s = new Linger(0).newSelectStrategy();
        Polls polls = new Polls(4);
        assertThat(s.calculateStrategy(polls, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(s.calculateStrategy(polls, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(s.calculateStrategy(polls, true)).as("with tasks: a poll").isEqualTo(4);
        assertThatThrownBy(() -> new Linger(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
