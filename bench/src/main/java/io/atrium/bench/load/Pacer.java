package io.atrium.bench.load;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that sends every publisher's packets on time. It records how late each send was against
 * its schedule: a large lateness means the load generator itself is saturated.
 */
public final class Pacer implements AutoCloseable {
    private final List<Publisher> publishers = new CopyOnWriteArrayList<>();
    private final LatencyHistogram lateness = new LatencyHistogram();
    private final Thread thread;
    private volatile boolean running = true;

    public Pacer() {
        thread = new Thread(this::run, "bench-pacer");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    public void add(Publisher p) {
        publishers.add(p);
    }

    private void run() {
        while (running) {
            long now = System.nanoTime();
            long next = now + 5_000_000L;
            synchronized (lateness) {
                for (Publisher p : publishers) {
                    long due = p.sendDue(now, lateness);
                    if (due - next < 0) {
                        next = due;
                    }
                }
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** A copy of the lateness histogram since the start or the last call (each window's own). */
    public LatencyHistogram takeLateness() {
        LatencyHistogram copy = new LatencyHistogram();
        synchronized (lateness) {
            copy.add(lateness);
            lateness.clear();
        }
        return copy;
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
