package io.atrium.server.room;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link RoomListener}s of every room; one failing listener never stops the others or the room. */
final class Listeners {

    private static final Logger log = LoggerFactory.getLogger(Listeners.class);
    private final List<RoomListener> listeners = new CopyOnWriteArrayList<>();

    void add(RoomListener listener) {
        listeners.add(listener);
    }

    /** A {@link RoomEvent} to every listener (the webhooks' source). */
    void event(RoomEvent event) {
        fire(l -> l.event(event));
    }

    /**
     * {@code track.unpublished} for each of {@code m}'s tracks not among {@code kept} ({@code kept}
     * empty: all of them, as the member leaves or stops publishing).
     */
    void unpublished(java.util.UUID room, Member m, List<io.atrium.server.sfu.Receiver> kept) {
        for (var r : m.tracks()) {
            if (!kept.contains(r)) {
                event(RoomEvent.track(false, room, m, r));
            }
        }
    }

    void fire(Consumer<RoomListener> event) {
        for (RoomListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.error("room listener failed", e);
            }
        }
    }
}
