package io.atrium.server.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atrium.server.testing.ManualClock;
import io.atrium.server.testing.RelayMarks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayMarkTest {

    static final String SHARED = "the cluster's secret";
    static final String MEMBERS = "/v1/rooms/r/members";
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
        assertThat(signed).matches("t=\\d+,n=[0-9a-f]{32},v=[0-9a-f]{64}");
        String tn = signed.substring(0, signed.indexOf(",v="));
        String n = tn.substring(tn.indexOf("n=") + 2);
        String v = signed.substring(signed.indexOf("v=") + 2);
        String other = node("another secret").sign("POST", "/whep/r?width=640");
        char flipped = v.charAt(0) == '0' ? '1' : '0';
        char flippedN = n.charAt(0) == '0' ? '1' : '0';
        long t = clock.instant().getEpochSecond();
        List<Case> cases = List.of(
                new Case("absent", null, "POST", "/whep/r?width=640", false),
                new Case("the old mark", "1", "POST", "/whep/r?width=640", false),
                new Case("empty", "", "POST", "/whep/r?width=640", false),
                new Case("another method", signed, "DELETE", "/whep/r?width=640", false),
                new Case("another path", signed, "POST", "/whip/r?width=640", false),
                new Case("another query", signed, "POST", "/whep/r?width=1280", false),
                new Case("no query", signed, "POST", "/whep/r", false),
                new Case("another secret", other, "POST", "/whep/r?width=640", false),
                new Case("one digit changed", tn + ",v=" + flipped + v.substring(1), "POST", "/whep/r?width=640", false),
                new Case("another nonce", "t=" + t + ",n=" + flippedN + n.substring(1) + ",v=" + v, "POST", "/whep/r?width=640", false),
                new Case("another time", "t=" + (t - 1) + ",n=" + n + ",v=" + v, "POST", "/whep/r?width=640", false),
                new Case("upper-case hex", tn + ",v=" + v.toUpperCase(), "POST", "/whep/r?width=640", false),
                new Case("upper-case nonce", "t=" + t + ",n=" + n.toUpperCase() + ",v=" + v, "POST", "/whep/r?width=640", false),
                new Case("short value", tn + ",v=" + v.substring(2), "POST", "/whep/r?width=640", false),
                new Case("short nonce", "t=" + t + ",n=" + n.substring(2) + ",v=" + v, "POST", "/whep/r?width=640", false),
                new Case("a time out of range", "t=99999999999999999999,n=" + n + ",v=" + v, "POST", "/whep/r?width=640", false),
                new Case("trailing text", signed + ",x", "POST", "/whep/r?width=640", false),
                new Case("the same request", signed, "POST", "/whep/r?width=640", true));
        for (Case c : cases) {
            assertThat(receiver.verify(c.mark(), c.method(), c.target())).as(c.name()).isEqualTo(c.want());
        }
    }

    @Test
    void aMarkIsGoodForTheWindowEitherSideOfTheReceiversClock() {
        String signed = node(SHARED).sign("GET", MEMBERS);
        clock.advance(RelayMark.WINDOW_SECONDS * 1000);
        assertThat(node(SHARED).verify(signed, "GET", MEMBERS)).as("60 s old").isTrue();
        clock.advance(1000);
        assertThat(node(SHARED).verify(signed, "GET", MEMBERS)).as("61 s old").isFalse();

        clock.advance(-2 * (RelayMark.WINDOW_SECONDS + 1) * 1000);
        assertThat(node(SHARED).verify(signed, "GET", MEMBERS)).as("made 61 s ahead of this clock").isFalse();
        clock.advance(1000);
        assertThat(node(SHARED).verify(signed, "GET", MEMBERS)).as("made 60 s ahead").isTrue();
    }

    @Test
    void eachMarkHasANonceOfItsOwnSoTheSameRequestTwiceInOneSecondVerifiesOnceEach() {
        RelayMark sender = node(SHARED);
        RelayMark receiver = node(SHARED);
        String first = sender.sign("GET", MEMBERS);
        String second = sender.sign("GET", MEMBERS);
        assertThat(first.substring(0, first.indexOf(','))).isEqualTo(second.substring(0, second.indexOf(',')));
        assertThat(nonce(first)).isNotEqualTo(nonce(second));
        assertThat(receiver.verify(first, "GET", MEMBERS)).as("the first").isTrue();
        assertThat(receiver.verify(second, "GET", MEMBERS)).as("the second, same second").isTrue();
        assertThat(receiver.verify(first, "GET", MEMBERS)).as("the first sent again").isFalse();
        assertThat(receiver.verify(second, "GET", MEMBERS)).as("the second sent again").isFalse();
        assertThat(node(SHARED).verify(first, "GET", MEMBERS)).as("another node keeps its own").isTrue();
    }

    /** A mark made 60 s ahead of the receiver's clock is in the window for 120 s: remembered, and refused again, all that time. */
    @Test
    void anAcceptedMarkIsRefusedAgainUntilItLeavesTheWindowThenForgotten() {
        ManualClock ahead = new ManualClock(clock.millis() + RelayMark.WINDOW_SECONDS * 1000);
        RelayMark sender = new RelayMark(ahead);
        sender.use(SHARED);
        RelayMark receiver = node(SHARED);
        String early = sender.sign("GET", MEMBERS);
        assertThat(receiver.verify(early, "GET", MEMBERS)).as("made 60 s ahead").isTrue();
        for (int s = 1; s <= 2 * RelayMark.WINDOW_SECONDS; s++) {
            clock.advance(1000);
            assertThat(receiver.verify(early, "GET", MEMBERS)).as("again %d s later", s).isFalse();
            assertThat(receiver.remembered()).as("%d s later", s).isEqualTo(1);
        }
        clock.advance(1000);
        assertThat(receiver.verify(early, "GET", MEMBERS)).as("out of the window").isFalse();
        assertThat(receiver.verify(node(SHARED).sign("GET", MEMBERS), "GET", MEMBERS)).as("a new mark").isTrue();
        assertThat(receiver.remembered()).as("the new mark only: the first, out of the window, forgotten").isEqualTo(1);
    }

    /** A node before nonces signed {@code t=<s>,v=<HMAC of METHOD\n/path?query\nt>}: refused, the request is a client's. */
    @Test
    void aMarkOfAnEarlierVersionWithoutNonceIsRefused() {
        RelayMark receiver = node(SHARED);
        String earlier = RelayMarks.beforeNonces(SHARED, "GET", MEMBERS, clock.instant().getEpochSecond());
        assertThat(receiver.verify(earlier, "GET", MEMBERS)).isFalse();
        String signed = receiver.sign("GET", MEMBERS);
        assertThat(receiver.verify(signed.replaceFirst(",n=[0-9a-f]+", ""), "GET", MEMBERS)).as("today's, nonce taken out").isFalse();
        assertThat(receiver.remembered()).isZero();
    }

    /** Full of marks still in their window, a node refuses new good ones (forgetting none early); the window passed, it takes them again. */
    @Test
    void aNodeRemembersAtMostItsBoundAndRefusesNewMarksWhenFull() {
        RelayMark receiver = new RelayMark(clock, 3);
        receiver.use(SHARED);
        RelayMark sender = node(SHARED);
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            accepted.add(sender.sign("GET", MEMBERS));
            assertThat(receiver.verify(accepted.get(i), "GET", MEMBERS)).as("mark %d", i).isTrue();
        }
        clock.advance(RelayMark.WINDOW_SECONDS * 1000);
        String fourth = sender.sign("GET", MEMBERS);
        assertThat(receiver.verify(fourth, "GET", MEMBERS)).as("a good fourth while full").isFalse();
        assertThat(receiver.verify(accepted.get(0), "GET", MEMBERS)).as("the first sent again, still in its window").isFalse();
        assertThat(receiver.remembered()).isEqualTo(3);
        clock.advance(1000);
        assertThat(receiver.verify(fourth, "GET", MEMBERS)).as("the fourth once the first three left the window").isTrue();
        assertThat(receiver.remembered()).isEqualTo(1);
        assertThat(receiver.verify(accepted.get(0), "GET", MEMBERS)).as("the first, out of its window").isFalse();
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

    static String nonce(String mark) {
        return mark.substring(mark.indexOf("n=") + 2, mark.indexOf(",v="));
    }
}
