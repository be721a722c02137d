package io.atrium.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.Grants;
import io.atrium.server.testing.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Room rules of single collaborators, on a fake clock and a recording client (no sockets, no sleeps):
 * the mutes of {@link Moderation} as a table.
 */
class RoomRulesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final UUID room = UUID.randomUUID();
    final ManualClock clock = new ManualClock(1_000_000);
    final Roster roster = new Roster(room);
    final List<String> heard = new ArrayList<>();

    Member seat(String callId) {
        AccessToken token = new AccessToken("jti-" + callId, "key", room, callId, callId, Optional.empty(), false,
                Grants.participant(), Instant.EPOCH, Instant.now().plusSeconds(3600));
        Session s = new Session(new Client() {
            @Override
            public void notify(String method, Object params) {
                heard.add(callId + " " + method + " " + params);
            }

            @Override
            public void close(String reason) {
            }
        });
        Member m = new Member(token, s, clock.millis());
        roster.members.put(callId, m);
        return m;
    }

    static Params params(String json) {
        try {
            return new Params(JSON.readTree(json));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    record MuteCase(String name, Consumer<Moderation> before, Consumer<Moderation> act, String error) {
    }

    @Test
    void mutesAsATable() {
        List<MuteCase> cases = List.of(
                new MuteCase("own mute and unmute", m -> m.selfMute(roster.member("ann"), "mute_audio"),
                        m -> m.selfMute(roster.member("ann"), "unmute_audio"), null),
                new MuteCase("an admin's mute cannot be lifted by the member",
                        m -> m.adminMute(params("{\"member\":\"ann\"}"), "mute_member_audio"),
                        m -> m.selfMute(roster.member("ann"), "unmute_audio"), "403 muted by an admin"),
                new MuteCase("the camera's admin mute is separate from the microphone's",
                        m -> m.adminMute(params("{\"member\":\"ann\"}"), "mute_member_video"),
                        m -> m.selfMute(roster.member("ann"), "unmute_audio"), null),
                new MuteCase("a second admin mute is refused", m -> m.adminMute(params("{\"member\":\"ann\"}"), "mute_member_video"),
                        m -> m.adminMute(params("{\"member\":\"ann\"}"), "mute_member_video"), "400 member is already muted by an admin"),
                new MuteCase("lifting no admin mute is refused", m -> { },
                        m -> m.adminMute(params("{\"member\":\"ann\"}"), "unmute_member_audio"), "400 member is not muted by an admin"),
                new MuteCase("an unknown member", m -> { },
                        m -> m.adminMute(params("{\"member\":\"zed\"}"), "mute_member_audio"), "400 no such member in the room"),
                new MuteCase("no member named", m -> { }, m -> m.adminMute(params("{}"), "mute_member_audio"), "400 no member in request"),
                new MuteCase("the server's mute is idempotent", m -> m.setMutedByAdmin("ann", true, true),
                        m -> m.setMutedByAdmin("ann", true, true), null));
        for (MuteCase c : cases) {
            roster.members.clear();
            seat("ann");
            Moderation moderation = new Moderation(roster, null, clock);
            c.before().accept(moderation);
            if (c.error() == null) {
                c.act().accept(moderation);
            } else {
                assertThatThrownBy(() -> c.act().accept(moderation)).as(c.name()).isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.code() + " " + e.getMessage()).isEqualTo(c.error()));
            }
        }
    }

    @Test
    void anAdminMuteIsToldToEveryoneAndShowsInTheState() {
        seat("ann");
        seat("ben");
        MemberState state = new Moderation(roster, null, clock).setMutedByAdmin("ann", true, true);
        assertThat(state.audioMuted()).isTrue();
        assertThat(state.audioMutedByAdmin()).isTrue();
        assertThat(heard).hasSize(2).allMatch(h -> h.contains(" member_mute_audio ") && h.contains("member=ann") && h.contains("by_admin=true"));
        assertThat(heard).anyMatch(h -> h.startsWith("ann ")).anyMatch(h -> h.startsWith("ben "));
    }
}
