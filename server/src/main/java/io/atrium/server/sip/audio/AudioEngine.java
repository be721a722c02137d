package io.atrium.server.sip.audio;

import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio engine: every 20 ms, each leg's input is decoded once, all active inputs are summed once, and
 * each leg that listens gets the sum minus its own voice, encoded with its own codec. It knows nothing of
 * SIP dialogs or rooms: a phone, a room's audio or a recorder are all {@link AudioLeg}s. The leg list is
 * copy-on-write; the frame loop allocates nothing.
 *
 * <p>Every engine ticks on one shared frame clock of as many threads as the machine has cores
 * ("atrium-audio-N"), not on a thread of its own: a bridge with hundreds of rooms on the phone runs hundreds of
 * 20 ms frames a tick on a few threads instead of waking hundreds. One engine's frames never overlap (a periodic
 * task runs again only after it finished), so its state is used by one thread at a time.
 */
public final class AudioEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.audio");

    /** The frame clock every engine ticks on. */
    private static final ScheduledThreadPoolExecutor CLOCK = clock(Runtime.getRuntime().availableProcessors());

    private final MixMinus mix = new MixMinus();
    private volatile AudioLeg[] legs = new AudioLeg[0];
    private ScheduledFuture<?> ticking;

    private static ScheduledThreadPoolExecutor clock(int threads) {
        AtomicInteger made = new AtomicInteger();
        ScheduledThreadPoolExecutor clock = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "atrium-audio-" + made.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
        clock.setRemoveOnCancelPolicy(true);
        return clock;
    }

    /** Starts this engine's 20 ms frames on the shared clock. */
    public synchronized AudioEngine start() {
        if (ticking == null) {
            ticking = CLOCK.scheduleAtFixedRate(this::safeTick, 20, 20, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    public synchronized void add(AudioLeg leg) {
        AudioLeg[] next = Arrays.copyOf(legs, legs.length + 1);
        next[legs.length] = leg;
        legs = next;
    }

    public synchronized void remove(AudioLeg leg) {
        legs = Arrays.stream(legs).filter(l -> l != leg).toArray(AudioLeg[]::new);
    }

    /** One 20 ms frame: decode each input once, sum once, mix-minus and encode per listening leg. */
    public void tick() {
        AudioLeg[] current = legs;
        mix.clear();
        for (AudioLeg leg : current) {
            leg.decode();
            if (leg.contributes()) {
                mix.add(leg.in);
            }
        }
        for (AudioLeg leg : current) {
            if (leg.sends()) {
                if (!leg.playTone()) {
                    mix.minus(leg.contributes() ? leg.in : null, leg.out);
                }
                leg.send();
            }
        }
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("audio frame failed: {}", e.toString());
        }
    }

    /** Stops this engine's frames (a frame under way finishes). */
    @Override
    public synchronized void close() {
        if (ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
    }
}
