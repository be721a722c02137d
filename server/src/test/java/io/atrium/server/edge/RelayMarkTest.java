package io.atrium.server.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atrium.server.testing.ManualClock;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayMarkTest {

    static final String SHARED = "the cluster's secret";
    final ManualClock clock = new ManualClock(1_796_000_000_000L);

    RelayMark node(String secret) {
        RelayMark mark = new RelayMark(clock);
        mark.use(secret);
        return mark;
    }

    record Case(String name, String mark, String method, String target, boolean want) {
    }

    @Test
    void onlyAMarkOfTheSameRequestUnderTheSharedSecretVerifies() {
        RelayMark sender = node(SHARED);
        RelayMark receiver = node(SHARED);
        String signed = sender.sign("POST", "/whep/r?width=640");
        String t = signed.substring(0, signed.indexOf(','));
        String v = signed.substring(signed.indexOf("v=") + 2);
        String other = node("another secret").sign("POST", "/whep/r?width=640");
        char flipped = v.charAt(0) == '0' ? '1' : '0';
        List<Case> cases = List.of(
                new Case("the same request", signed, "POST", "/whep/r?width=640", true),
                new Case("absent", null, "POST", "/whep/r?width=640", false),
                new Case("the old mark", "1", "POST", "/whep/r?width=640", false),
                new Case("empty", "", "POST", "/whep/r?width=640", false),
                new Case("another method", signed, "DELETE", "/whep/r?width=640", false),
                new Case("another path", signed, "POST", "/whip/r?width=640", false),
                new Case("another query", signed, "POST", "/whep/r?width=1280", false),
                new Case("no query", signed, "POST", "/whep/r", false),
                new Case("another secret", other, "POST", "/whep/r?width=640", false),
                new Case("one digit changed", t + ",v=" + flipped + v.substring(1), "POST", "/whep/r?width=640", false),
                new Case("another time", "t=" + (clock.instant().getEpochSecond() - 1) + ",v=" + v, "POST", "/whep/r?width=640", false),
                new Case("upper-case hex", t + ",v=" + v.toUpperCase(), "POST", "/whep/r?width=640", false),
                new Case("short value", t + ",v=" + v.substring(2), "POST", "/whep/r?width=640", false),
                new Case("a time out of range", "t=99999999999999999999,v=" + v, "POST", "/whep/r?width=640", false),
                new Case("trailing text", signed + ",x", "POST", "/whep/r?width=640", false));
        for (Case c : cases) {
            assertThat(receiver.verify(c.mark(), c.method(), c.target())).as(c.name()).isEqualTo(c.want());
        }
    }

    @Test
    void aMarkIsGoodForTheWindowEitherSideOfTheReceiversClock() {
        RelayMark mark = node(SHARED);
        String signed = mark.sign("GET", "/v1/rooms/r/members");
        clock.advance(RelayMark.WINDOW_SECONDS * 1000);
        assertThat(mark.verify(signed, "GET", "/v1/rooms/r/members")).as("60 s old").isTrue();
        clock.advance(1000);
        assertThat(mark.verify(signed, "GET", "/v1/rooms/r/members")).as("61 s old").isFalse();

        clock.advance(-2 * (RelayMark.WINDOW_SECONDS + 1) * 1000);
        assertThat(mark.verify(signed, "GET", "/v1/rooms/r/members")).as("made 61 s ahead of this clock").isFalse();
        clock.advance(1000);
        assertThat(mark.verify(signed, "GET", "/v1/rooms/r/members")).as("made 60 s ahead").isTrue();
    }

    @Test
    void aNodeAloneVerifiesNoOnesMarkUntilItUsesTheirSecret() {
        RelayMark alone = new RelayMark(clock);
        RelayMark other = new RelayMark(clock);
        assertThat(alone.secret()).hasSize(64).isNotEqualTo(other.secret());
        String signed = other.sign("PUT", "/v1/rooms/r");
        assertThat(alone.verify(signed, "PUT", "/v1/rooms/r")).isFalse();
        alone.use(other.secret());
        assertThat(alone.verify(signed, "PUT", "/v1/rooms/r")).isTrue();
        assertThatThrownBy(() -> alone.use("")).isInstanceOf(IllegalArgumentException.class);
    }
}
