package io.atrium.server.sip.audio;

import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio engine: every 20 ms on its own thread ("atrium-audio"), each leg's input is decoded once,
 * all active inputs are summed once, and each leg that listens gets the sum minus its own voice,
 * encoded with its own codec. It knows nothing of SIP dialogs or rooms: a phone, a room's audio or a
 * recorder are all {@link AudioLeg}s. The leg list is copy-on-write; the frame loop allocates nothing.
 */
public final class AudioEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("atrium.sip.audio");

    private final MixMinus mix = new MixMinus();
    private volatile AudioLeg[] legs = new AudioLeg[0];
    private ScheduledExecutorService thread;

    /** Starts the 20 ms frame clock. */
    public synchronized AudioEngine start() {
        if (thread == null) {
            thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "atrium-audio");
                t.setDaemon(true);
                t.setPriority(Thread.MAX_PRIORITY);
                return t;
            });
            thread.scheduleAtFixedRate(this::safeTick, 20, 20, TimeUnit.MILLISECONDS);
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

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }
}
