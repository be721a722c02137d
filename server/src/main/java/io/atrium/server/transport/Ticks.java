package io.atrium.server.transport;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media thread's periodic tasks (NACKs and feedback, reports, consent checks). A task runs at the end of the first
 * read batch after it is due (after that batch's flush, so the batch's packets never wait for it), so that a thread
 * with packets to read wakes for them alone and the task finds the peers it walks still in the caches; when no batch comes, a timer runs it
 * {@link #slackNanos} after it was due. So a period is never shorter than asked and at most that much longer.
 * Media thread only, but for {@link #every} and {@link Tick#cancel}.
 */
public final class Ticks {

    private static final Logger log = LoggerFactory.getLogger(Ticks.class);
    /** Most a task waits for a read batch past its time before its timer runs it. */
    static final long MAX_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final EventLoop loop;
    private final Runnable afterTimer;
    private final List<Tick> ticks = new ArrayList<>();
    private boolean anyCancelled;

    /** On {@code loop}; {@code afterTimer} runs after a task its timer ran (the flush a read batch's end does anyway). */
    Ticks(EventLoop loop, Runnable afterTimer) {
        this.loop = loop;
        this.afterTimer = afterTimer;
    }

    /** How late past its time a task of {@code periodNanos} may run: half its period, at most {@link #MAX_SLACK_NANOS}. */
    static long slackNanos(long periodNanos) {
        return Math.min(periodNanos / 2, MAX_SLACK_NANOS);
    }

    /** Runs {@code task} every {@code periodMillis} from now until {@link Tick#cancel}. Any thread. */
    Tick every(long periodMillis, Runnable task) {
        Tick tick = new Tick(TimeUnit.MILLISECONDS.toNanos(periodMillis), task);
        loop.execute(() -> {
            ticks.add(tick);
            tick.arm(System.nanoTime());
        });
        return tick;
    }

    /** Runs every task that is due (at the end of a read batch, after its flush); true if any ran. */
    boolean runDue() {
        if (ticks.isEmpty()) {
            return false;
        }
        boolean ran = false;
        long now = System.nanoTime();
        for (int i = 0; i < ticks.size(); i++) { // a task may add one (after this call) or cancel one (skipped, then removed)
            Tick t = ticks.get(i);
            if (!t.cancelled && now - t.dueNanos >= 0) {
                t.run(now);
                ran = true;
            }
        }
        if (anyCancelled) {
            anyCancelled = false;
            ticks.removeIf(t -> t.cancelled);
        }
        return ran;
    }

    /** One periodic task. */
    public final class Tick {
        private final long periodNanos;
        private final Runnable task;
        private final Runnable fromTimer = this::fromTimer;
        private long dueNanos;
        private io.netty.util.concurrent.ScheduledFuture<?> timer;
        private volatile boolean cancelled;

        private Tick(long periodNanos, Runnable task) {
            this.periodNanos = periodNanos;
            this.task = task;
        }

        /** Stops the task: it does not run again once this returns on the media thread, nor later than its next time elsewhere. Any thread. */
        public void cancel() {
            cancelled = true;
            if (!loop.inEventLoop()) {
                try {
                    loop.execute(this::cancel);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // the thread ends: so do its timers
                }
                return;
            }
            anyCancelled = true;
            if (timer != null) {
                timer.cancel(false);
            }
        }

        private void arm(long now) {
            dueNanos = now + periodNanos;
            timer = loop.schedule(fromTimer, periodNanos + slackNanos(periodNanos), TimeUnit.NANOSECONDS);
        }

        private void run(long now) {
            timer.cancel(false);
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("media timer failed", e);
            }
            if (!cancelled) {
                arm(now);
            }
        }

        private void fromTimer() {
            if (!cancelled) {
                run(System.nanoTime());
                afterTimer.run();
            }
        }
    }
}
