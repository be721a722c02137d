package io.atrium.server.auth;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an access token allows in its room, besides the admin flag: publish media (only from the
 * listed sources), subscribe, send data (chat, reactions), and stay hidden from other members.
 */
public record Grants(boolean publish, boolean subscribe, Set<Source> publishSources, boolean data, boolean hidden) {

    /** A kind of published track. */
    public enum Source { CAMERA, MICROPHONE, SCREEN, SCREEN_AUDIO }

    public Grants {
        publishSources = publishSources.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(publishSources));
    }

    /** A full participant: publish every source, subscribe, data; visible. */
    public static Grants participant() {
        return new Grants(true, true, EnumSet.allOf(Source.class), true, false);
    }

    public boolean mayPublish(Source source) {
        return publish && publishSources.contains(source);
    }
}
