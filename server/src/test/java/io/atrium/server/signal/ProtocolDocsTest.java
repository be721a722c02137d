package io.atrium.server.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/PROTOCOL.md keeps up with the server (issue 21 item 9): every JSON-RPC method the socket
 * accepts ({@link io.atrium.server.room.RoomMethods#names}, {@link io.atrium.server.room.SipRooms#METHODS}) and every notification the room,
 * signal, state and sip code sends is named there in backticks. Notification names are read from the
 * sources: string literals passed to the sending methods, the {@code "member_" + method} family, and
 * named constants of {@code state/}.
 */
class ProtocolDocsTest {

    static final Path SOURCES = Path.of("src/main/java/io/atrium/server");
    static final Pattern SENT = Pattern.compile(
            "\\b(?:broadcast|broadcastExcept|toAdmins|notify|announce|send)\\((?:[^,()\"]*,\\s*)?\"([a-z]+(?:_[a-z]+)+)\"");
    /** {@code notify(cond ? "a" : "b", …)}. */
    static final Pattern EITHER = Pattern.compile(
            "\\b(?:broadcast|toAdmins|notify|announce|send)\\([^;]*?\\?\\s*\"([a-z]+(?:_[a-z]+)+)\"\\s*:\\s*\"([a-z]+(?:_[a-z]+)+)\"");
    static final Pattern CONSTANT = Pattern.compile("static final String [A-Z_]+ = \"([a-z]+(?:_[a-z]+)+)\"");
    /** Sent as {@code "member_" + <method>} for these methods (LiveRoom: hands, screen shares, own mutes). */
    static final List<String> ANNOUNCED_METHODS = List.of("raise_hand", "unraise_hand", "start_screen_share", "stop_screen_share",
            "mute_audio", "unmute_audio", "mute_video", "unmute_video");

    @Test
    void everyMethodAndNotificationIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "PROTOCOL.md"));
        Set<String> names = new TreeSet<>(io.atrium.server.room.RoomMethods.names());
        names.addAll(io.atrium.server.room.SipRooms.METHODS);
        Set<String> notifications = notifications();
        assertThat(notifications).as("the scan finds notifications").contains("member_waiting", "state_changed", "room_ended",
                "token_expired", "token_revoked");
        names.addAll(notifications);
        Set<String> missing = new TreeSet<>();
        for (String name : names) {
            if (!doc.contains("`" + name + "`") && !doc.contains("`" + name + " ") && !doc.contains("`" + name + " {")) {
                missing.add(name);
            }
        }
        assertThat(missing).as("named in docs/PROTOCOL.md").isEmpty();
    }

    static Set<String> notifications() throws IOException {
        Set<String> found = new TreeSet<>();
        for (String pkg : List.of("room", "signal", "state", "sip")) {
            try (Stream<Path> files = Files.walk(SOURCES.resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(f);
                    for (Pattern p : List.of(SENT, EITHER, CONSTANT)) {
                        Matcher m = p.matcher(src);
                        while (m.find()) {
                            for (int g = 1; g <= m.groupCount(); g++) {
                                found.add(m.group(g));
                            }
                        }
                    }
                }
            }
        }
        ANNOUNCED_METHODS.forEach(m -> found.add("member_" + m));
        return found;
    }
}
