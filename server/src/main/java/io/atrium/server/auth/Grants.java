package io.atrium.server.auth;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What an access token allows in its room, besides the admin flag: publish media (only from the
 * listed sources), subscribe, send data (chat, reactions), stay hidden from other members, and read
 * the room's shared state documents and maps named in {@code state} (exact names, {@code *} for all,
 * or a prefix ending in {@code *} such as {@code user-*}). Tokens without a {@code state} list read
 * no state.
 */
public record Grants(boolean publish, boolean subscribe, Set<Source> publishSources, boolean data, boolean hidden,
                     List<String> state) {

    /** The longest state name or pattern, and the most entries a token may carry. */
    public static final int MAX_STATE_NAME = 128;
    public static final int MAX_STATE_ENTRIES = 64;

    /** A kind of published track. */
    public enum Source { CAMERA, MICROPHONE, SCREEN, SCREEN_AUDIO }

    public Grants {
        publishSources = publishSources.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(publishSources));
        state = state == null ? List.of() : List.copyOf(state);
    }

    /** Grants that read no shared state. */
    public Grants(boolean publish, boolean subscribe, Set<Source> publishSources, boolean data, boolean hidden) {
        this(publish, subscribe, publishSources, data, hidden, List.of());
    }

    /** A full participant: publish every source, subscribe, data; visible; reads no shared state. */
    public static Grants participant() {
        return new Grants(true, true, EnumSet.allOf(Source.class), true, false);
    }

    /** These grants, reading the given state names (or patterns) instead. */
    public Grants withState(List<String> names) {
        return new Grants(publish, subscribe, publishSources, data, hidden, names);
    }

    /** Whether every right of these grants is in {@code other} too (the state names compared as written). */
    public boolean within(Grants other) {
        return (!publish || other.publish) && other.publishSources.containsAll(publishSources) && (!subscribe || other.subscribe)
                && (!data || other.data) && other.state.containsAll(state);
    }

    public boolean mayPublish(Source source) {
        return publish && publishSources.contains(source);
    }

    /** Whether the state document or map {@code name} may be read. */
    public boolean mayReadState(String name) {
        for (String pattern : state) {
            if (pattern.equals(name) || pattern.equals("*")
                    || pattern.endsWith("*") && name.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
