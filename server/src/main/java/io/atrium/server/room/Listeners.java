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
