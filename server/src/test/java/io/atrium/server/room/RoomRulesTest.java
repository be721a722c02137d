package io.atrium.server.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.Grants;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.testing.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Room rules of single collaborators, on a fake clock and a recording client (no sockets, no sleeps):
 * the mutes of {@link Moderation} as a table, and {@link Liveness}' reconnect grace and media timeout
 * (seats kept or ended by {@link Seats}) as a table on the clock.
 */
class RoomRulesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final UUID room = UUID.randomUUID();
    final ManualClock clock = new ManualClock(1_000_000);
    final Roster roster = new Roster(room);
    final List<String> heard = new ArrayList<>();

    Member seat(String callId) {
        return seat(callId, true);
    }

    /** A member of the room; {@code publishes}: a full participant, else a token that may only receive. */
    Member seat(String callId, boolean publishes) {
        Grants grants = publishes ? Grants.participant() : new Grants(false, true, EnumSet.noneOf(Grants.Source.class), true, false);
        AccessToken token = new AccessToken("jti-" + callId, "key", room, callId, callId, Optional.empty(), false,
                grants, Instant.EPOCH, Instant.now().plusSeconds(3600));
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

    /**
     * A seat on the clock: {@code publishes} (the token may publish, so silence counts), whether its socket
     * closes at the start; still seated at {@code seatedAt} ms later, gone at {@code goneAt} (-1: never).
     */
    record LivenessCase(String name, boolean publishes, boolean socketCloses, long seatedAt, long goneAt) {
    }

    @Test
    void livenessAsATableOnTheClock() {
        AtriumConfig.Rooms config = new AtriumConfig.Rooms(10, 15, 65_536, 50); // media timeout 10 s, grace 15 s
        List<LivenessCase> cases = List.of(
                new LivenessCase("a dropped socket keeps its seat for the reconnect grace", false, true, 15_000, 15_001),
                new LivenessCase("a member that may publish and sends nothing leaves after the media timeout", true, false, 10_000,
                        10_001),
                new LivenessCase("the media timeout also ends a seat whose socket dropped, before the grace", true, true, 10_000,
                        10_001),
                new LivenessCase("a receive-only member is never removed for silence", false, false, 3_600_000, -1));
        for (LivenessCase c : cases) {
            roster.members.clear();
            heard.clear();
            RoomContext ctx = new RoomContext(room, new SerialExecutor(Runnable::run), clock, config, null, null, null, null, null,
                    null, new Listeners(), name -> null, null, null, new RoomContext.Registry() {
                        @Override
                        public void released(UUID other) {
                        }

                        @Override
                        public void forget(LiveRoom r) {
                        }

                        @Override
                        public java.util.concurrent.CompletableFuture<Integer> endByAdmin(UUID other) {
                            throw new AssertionError("no room ends in this test");
                        }
                    }, () -> RoomRecorder.NONE);
            Seats seats = new Seats(ctx, roster, new ActiveSpeakerObserver(roster));
            Liveness liveness = new Liveness(ctx, roster, seats);
            Member ann = bound(seat("ann", c.publishes()));
            bound(seat("ben", false));
            long start = clock.millis();
            liveness.observe(start); // the tick that first sees the seat: silence counts from here
            if (c.socketCloses()) {
                seats.closed(ann.session);
            }
            clock.advance(c.seatedAt());
            liveness.observe(clock.millis());
            assertThat(roster.members).as(c.name()).containsKey("ann");
            if (c.goneAt() >= 0) {
                clock.advance(start + c.goneAt() - clock.millis());
                liveness.observe(clock.millis());
                assertThat(roster.members).as(c.name()).doesNotContainKey("ann").containsKey("ben");
                assertThat(heard).as(c.name()).anyMatch(h -> h.startsWith("ben member_leave_room ") && h.contains("member=ann")
                        && h.contains("by_admin=false"));
            }
        }
    }

    /** {@code m}'s socket admitted to this room as that member. */
    Member bound(Member m) {
        m.session.bind(new Session.Binding(room, Session.State.MEMBER, m.callId, m.name, null, m.token, null));
        return m;
    }
}
