package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table tests of {@link NackTracker} (RFC 4585 section 6.2.1 generic NACK bookkeeping): each case feeds
 * extended sequence numbers (with the previous highest, as {@link Layer} does) and asks what is due when.
 */
class NackTrackerTest {

    /**
     * A step: a packet arrives ({@code seq}) or the NACK timer runs ({@code due}, with the highest seq),
     * expecting these 16-bit sequence numbers (in ascending order) to be asked for.
     */
    record Step(String what, long seq, long nowMillis, int outLength, int[] wantDue) {
        static Step packet(long seq, long nowMillis) {
            return new Step("packet", seq, nowMillis, 0, null);
        }

        static Step due(long highest, long nowMillis, int... want) {
            return new Step("due", highest, nowMillis, 64, want);
        }

        static Step dueInto(int outLength, long highest, long nowMillis, int... want) {
            return new Step("due", highest, nowMillis, outLength, want);
        }
    }

    record Case(String name, List<Step> steps, int wantMissing) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("in order: nothing missing",
                        List.of(Step.packet(10, 0), Step.packet(11, 0), Step.packet(12, 0), Step.due(12, 0)), 0),
                new Case("a gap of three is due at once, lowest first",
                        List.of(Step.packet(10, 0), Step.packet(14, 0), Step.due(14, 0, 11, 12, 13)), 3),
                new Case("a late arrival is no longer asked for",
                        List.of(Step.packet(10, 0), Step.packet(14, 0), Step.packet(12, 5), Step.due(14, 5, 11, 13)), 2),
                new Case("a retransmission fills the last hole",
                        List.of(Step.packet(10, 0), Step.packet(12, 0), Step.due(12, 0, 11), Step.packet(11, 30),
                                Step.due(12, 100)), 0),
                new Case("asked again only after RETRY_MILLIS",
                        List.of(Step.packet(1, 0), Step.packet(3, 0), Step.due(3, 0, 2), Step.due(3, 39),
                                Step.due(3, 40, 2)), 1),
                new Case("dropped after MAX_RETRIES asks",
                        List.of(Step.packet(1, 0), Step.packet(3, 0), Step.due(3, 0, 2), Step.due(3, 40, 2),
                                Step.due(3, 80, 2), Step.due(3, 120, 2), Step.due(3, 160, 2), Step.due(3, 200)), 0),
                new Case("dropped when older than MAX_AGE sequence numbers",
                        List.of(Step.packet(1, 0), Step.packet(3, 0), Step.due(1002, 0, 2), Step.due(1003, 100)), 0),
                new Case("a gap wider than MAX_GAP is a restart, not loss",
                        List.of(Step.packet(1, 0), Step.packet(5, 0), Step.packet(5 + NackTracker.MAX_GAP + 2, 0),
                                Step.due(5 + NackTracker.MAX_GAP + 2, 0)), 0),
                new Case("a gap of exactly MAX_GAP is loss",
                        List.of(Step.packet(0, 0), Step.packet(NackTracker.MAX_GAP + 1, 0)), NackTracker.MAX_GAP),
                new Case("across the 16-bit wrap the NACK carries 16-bit numbers",
                        List.of(Step.packet(65533, 0), Step.packet(65537, 0), Step.due(65537, 0, 0, 65534, 65535)), 3),
                new Case("a full output buffer leaves the rest for the next run",
                        List.of(Step.packet(0, 0), Step.packet(6, 0), Step.dueInto(2, 6, 0, 1, 2), Step.dueInto(8, 6, 0, 3, 4, 5)),
                        5),
                new Case("the first packet of a stream has no predecessor",
                        List.of(Step.packet(500, 0), Step.due(500, 0)), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void table(Case c) {
        NackTracker tracker = new NackTracker();
        long highest = -1;
        for (Step s : c.steps()) {
            if (s.what().equals("packet")) {
                tracker.onPacket(s.seq(), highest, s.nowMillis());
                highest = Math.max(highest, s.seq());
            } else {
                int[] out = new int[s.outLength()];
                int n = tracker.due(s.seq(), s.nowMillis(), out);
                assertThat(Arrays.stream(out, 0, n).sorted().toArray()).as("due at %d ms", s.nowMillis())
                        .containsExactly(s.wantDue());
            }
        }
        assertThat(tracker.missing()).as("missing").isEqualTo(c.wantMissing());
    }

    /**
     * Regression: when more than {@link NackTracker#CAPACITY} packets are missing the oldest are forgotten,
     * not the newest (the ones a NACK can still recover). Eviction used to drop slot 0, which after the
     * first eviction held the most recently added loss, so every further loss pushed out its predecessor.
     */
    @ParameterizedTest(name = "{0} missing in gaps of {1}")
    @MethodSource("overflows")
    void overflowForgetsTheOldest(int missing, int gap) {
        NackTracker tracker = new NackTracker();
        long highest = 0;
        tracker.onPacket(0, -1, 0);
        for (int added = 0; added < missing; added += gap) {
            long next = highest + gap + 1;
            tracker.onPacket(next, highest, 0);
            highest = next;
        }
        int[] out = new int[NackTracker.CAPACITY];
        int n = tracker.due(highest, 0, out);
        assertThat(n).isEqualTo(Math.min(missing, NackTracker.CAPACITY));
        long[] want = java.util.stream.LongStream.rangeClosed(1, highest - 1).filter(s -> s % (gap + 1) != 0)
                .skip(Math.max(0, missing - NackTracker.CAPACITY)).toArray();
        assertThat(Arrays.stream(out, 0, n).sorted().asLongStream().toArray()).containsExactly(want);
    }

    static Stream<Object[]> overflows() {
        return Stream.of(new Object[] {300, 100}, new Object[] {400, 200}, new Object[] {260, 1}, new Object[] {256, 4});
    }
}
