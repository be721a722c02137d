package io.atrium.bench.load;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

/**
 * How the load generator's event loops wait: after each wake-up and each poll that found datagrams, a loop keeps
 * polling without blocking ({@code epoll_wait} with a zero timeout) for {@code nanos} before it blocks again.
 *
 * <p>On loopback the kernel delivers a datagram into the receiver's socket inside the sender's system call, and
 * wakes the receiver's thread there if it is blocked: that wake-up (an inter-processor interrupt when the receiver
 * sleeps on the other vCPU) is charged to the server under test. A server's fan-out burst (one {@code sendmmsg} of 50
 * datagrams, or Janus's 50 {@code sendto}s) used to wake the generator's thread about 16 times, since it drained
 * each datagram and went back to sleep before the next arrived; a thread still polling is not on the socket's wait
 * queue, so the burst wakes nobody. A server on a real network pays none of this, and the old count depended on
 * which vCPU each thread happened to run on (docs/PERFORMANCE.md, "Where 1x50's spread comes from"). The polling
 * costs the generator's own CPU, reported beside the server's. Zero keeps Netty's default (block whenever idle).
 */
final class Linger implements SelectStrategyFactory {
    private final long nanos;

    Linger(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("linger must not be negative, got " + nanos + " ns");
        }
        this.nanos = nanos;
    }

    @Override
    public SelectStrategy newSelectStrategy() {
        if (nanos == 0) {
            return DefaultSelectStrategyFactory.INSTANCE.newSelectStrategy();
        }
        return new SelectStrategy() { // one per event loop, used on its thread only
            private long until;
            private boolean blocked;

            @Override
            public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
                long now = System.nanoTime();
                if (blocked) { // woken: by datagrams, a task or a timer
                    blocked = false;
                    until = now + nanos;
                }
                int ready = selectNow.get();
                if (ready > 0) {
                    until = now + nanos;
                    return ready;
                }
                if (hasTasks || now - until < 0) {
                    return 0; // nothing ready: run the tasks, poll again
                }
                blocked = true;
                return SelectStrategy.SELECT;
            }
        };
    }
}
