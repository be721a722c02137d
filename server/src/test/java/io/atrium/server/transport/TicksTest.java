package io.atrium.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Periodic media tasks run at a read batch's end once due, by their timer when no batch comes, never before their
 * time, and not after a cancel. On a real event loop; the assertions wait on runs, not on short timeouts.
 */
class TicksTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** A run: when, and whether a batch's end ran it. */
    private record Run(long nanos, boolean inBatch) {
    }

    @Test
    void withoutBatchesTheTimerRunsTheTaskNeverBeforeItsTimeAndThenFlushes() throws Exception {
        CountDownLatch fiveFlushes = new CountDownLatch(5); // the flush follows the task's run: wait for it
        Ticks ticks = new Ticks(loop, fiveFlushes::countDown);
        List<Long> runs = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        ticks.every(20, () -> runs.add(System.nanoTime()));
        assertThat(fiveFlushes.await(60, TimeUnit.SECONDS)).as("a flush after each of five timer runs").isTrue();
        assertThat(runs).as("runs").hasSizeGreaterThanOrEqualTo(5);
        long before = start;
        for (long at : runs) {
            assertThat(at - before).as("time since the run before").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
            before = at;
        }
    }

    @Test
    void aDueTaskRunsAtTheEndOfTheNextBatchWithoutItsTimer() throws Exception {
        AtomicInteger flushes = new AtomicInteger();
        Ticks ticks = new Ticks(loop, flushes::incrementAndGet);
        AtomicBoolean inBatch = new AtomicBoolean();
        List<Run> runs = new CopyOnWriteArrayList<>();
        CountDownLatch four = new CountDownLatch(4);
        ticks.every(50, () -> runs.add(new Run(System.nanoTime(), inBatch.get())));
        // read batches every 5 ms: always before the timer, which waits 10 ms past the task's time (same thread, so
        // however late the loop runs, the batch's deadline comes first)
        AtomicInteger saidRan = new AtomicInteger();
        ScheduledFuture<?> batches = loop.scheduleAtFixedRate(() -> {
            inBatch.set(true);
            if (ticks.runDue()) { // the batch's end flushes once more then
                saidRan.incrementAndGet();
                four.countDown();
            }
            inBatch.set(false);
        }, 5, 5, TimeUnit.MILLISECONDS);
        try {
            assertThat(four.await(60, TimeUnit.SECONDS)).as("four batch ends that ran the task").isTrue();
        } finally {
            batches.cancel(false);
        }
        assertThat(runs).as("runs").hasSizeGreaterThanOrEqualTo(4).allSatisfy(r -> assertThat(r.inBatch()).as("run by a batch's end").isTrue());
        for (int i = 1; i < runs.size(); i++) {
            // Ticks decides "due" by its own clock reading at the batch's end; the task stamps its run a few µs later,
            // and that lag varies (run T: 49.97 ms between two stamps): a period may look up to 1 ms short, never more
            assertThat(runs.get(i).nanos() - runs.get(i - 1).nanos()).as("period").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(49));
        }
        assertThat(flushes.get()).as("no flush of the timer's (the batch flushes)").isZero();
        assertThat(saidRan.get()).as("batch ends told a task ran").isGreaterThanOrEqualTo(4);
    }

    @Test
    void aCancelledTaskRunsNoMore() throws Exception {
        Ticks ticks = new Ticks(loop, () -> { });
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch two = new CountDownLatch(2);
        Ticks.Tick tick = ticks.every(10, () -> {
            runs.incrementAndGet();
            two.countDown();
        });
        ScheduledFuture<?> batches = loop.scheduleAtFixedRate(ticks::runDue, 3, 3, TimeUnit.MILLISECONDS);
        try {
            assertThat(two.await(60, TimeUnit.SECONDS)).isTrue();
            loop.submit(tick::cancel).get(30, TimeUnit.SECONDS);
            int after = runs.get();
            Thread.sleep(200); // 20 periods, batches and timer both: none may run it
            assertThat(runs.get()).as("runs after the cancel").isEqualTo(after);
            Ticks.Tick other = ticks.every(10, () -> { });
            other.cancel(); // from another thread, before it was ever armed: no failure, no run
        } finally {
            batches.cancel(false);
        }
    }
}
