package io.atrium.server.compat.calls;

import io.atrium.server.auth.Grants;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Presets are roles (RealtimeKit's model): each maps to Atrium's admin flag and grants. Host presets
 * are admins (moderate, admit, remove); viewers only receive media and chat.
 */
final class Presets {

    static final String DEFAULT = "group_call_participant";

    /** What a preset allows. */
    record Preset(String name, boolean admin, Grants grants) {
    }

    private static final Grants VIEWER = new Grants(false, true, EnumSet.noneOf(Grants.Source.class), true, false);
    private static final Map<String, Preset> ALL = new LinkedHashMap<>();

    static {
        add("group_call_host", true, Grants.participant());
        add("group_call_participant", false, Grants.participant());
        add("webinar_presenter", false, Grants.participant());
        add("webinar_viewer", false, VIEWER);
        add("livestream_host", true, Grants.participant());
        add("livestream_viewer", false, VIEWER);
    }

    private Presets() {
    }

    private static void add(String name, boolean admin, Grants grants) {
        ALL.put(name, new Preset(name, admin, grants));
    }

    static Optional<Preset> find(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    static Iterable<String> names() {
        return ALL.keySet();
    }

    /** The control center: admin, receives but never publishes, chats, and is hidden from the member list. */
    static final Grants CONTROL = new Grants(false, true, EnumSet.noneOf(Grants.Source.class), true, true);
}
