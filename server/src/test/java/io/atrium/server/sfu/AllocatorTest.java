package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of {@link Allocator}: which layer each of a subscriber's video tracks gets under an estimate. */
class AllocatorTest {

    static final long NOW = 100_000;
    static final long[] SIMULCAST = {150_000, 500_000, 1_700_000};

    /** A track: priority, rendered area, layer rates (-1 not live), wanted and current layer. */
    record T(int priority, long area, long[] rates, int wanted, int current) {
        static T camera(int wanted, int current) {
            return new T(0, 1280 * 720, SIMULCAST, wanted, current);
        }

        T priority(int p) {
            return new T(p, area, rates, wanted, current);
        }

        T area(long a) {
            return new T(priority, a, rates, wanted, current);
        }

        T rates(long... r) {
            return new T(priority, area, r, wanted, current);
        }

        Allocator.Track track() {
            Allocator.Track t = new Allocator.Track();
            t.priority = priority;
            t.area = area;
            t.layers = rates.length;
            System.arraycopy(rates, 0, t.rates, 0, rates.length);
            t.wanted = wanted;
            t.current = current;
            return t;
        }
    }

    /** {@code capBudget}: what the subscriber's own receive cap leaves for video ({@link Long#MAX_VALUE}: no cap). */
    record Case(String name, long budget, long capBudget, List<T> tracks, int[] want, boolean[] suspended) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, long budget, int[] want, T... tracks) {
        return c(name, budget, Long.MAX_VALUE, want, tracks);
    }

    static Case c(String name, long budget, long capBudget, int[] want, T... tracks) {
        boolean[] suspended = new boolean[want.length];
        for (int i = 0; i < want.length; i++) {
            suspended[i] = want[i] < 0 && tracks[i].wanted() >= 0;
        }
        return new Case(name, budget, capBudget, List.of(tracks), want, suspended);
    }

    static int[] layers(int... l) {
        return l;
    }

    static Stream<Case> cases() {
        T screen = T.camera(2, -1).priority(Receiver.PRIORITY_SCREEN);
        T speaker = T.camera(2, -1).priority(Receiver.PRIORITY_SPEAKER);
        return Stream.of(
                c("plenty: the wanted layer", 5_000_000, layers(2), T.camera(2, -1)),
                c("the wanted layer caps the choice", 5_000_000, layers(1), T.camera(1, -1)),
                c("500 kbit/s: the middle layer fits exactly", 500_000, layers(1), T.camera(2, -1)),
                c("400 kbit/s: the low layer", 400_000, layers(0), T.camera(2, -1)),
                c("100 kbit/s: nothing fits, the track is suspended", 100_000, layers(-1), T.camera(2, 2)),
                c("nothing wanted (no live layer): not suspended", 5_000_000, layers(-1), T.camera(-1, -1)),
                c("upgrade needs 15 % headroom: 1.9 Mbit/s keeps the middle layer", 1_900_000, layers(1), T.camera(2, 1)),
                c("upgrade with headroom: 2 Mbit/s takes the full layer", 2_000_000, layers(2), T.camera(2, 1)),
                c("no headroom needed to keep the current layer", 1_700_000, layers(2), T.camera(2, 2)),
                c("a drop below the current layer is at once", 1_600_000, layers(1), T.camera(2, 2)),
                c("screen share first: it gets the full layer, the camera the low one", 1_900_000, layers(0, 2),
                        T.camera(2, -1), screen),
                c("a screen share over the estimate keeps its bottom step, the camera after it gets nothing", 100_000,
                        layers(-1, 0), T.camera(2, -1), T.camera(0, -1).priority(Receiver.PRIORITY_SCREEN).rates(400_000)),
                c("every screen share over the estimate keeps its bottom step", 100_000, layers(0, 0),
                        T.camera(0, -1).priority(Receiver.PRIORITY_SCREEN).rates(400_000),
                        T.camera(0, 0).priority(Receiver.PRIORITY_SCREEN).rates(300_000)),
                c("a screen share over the subscriber's own cap is suspended", 100_000, 100_000, layers(-1),
                        T.camera(0, -1).priority(Receiver.PRIORITY_SCREEN).rates(400_000)),
                c("a screen share over the estimate but also over a higher cap is suspended", 100_000, 300_000, layers(-1),
                        T.camera(0, -1).priority(Receiver.PRIORITY_SCREEN).rates(400_000)),
                c("a screen share over the estimate but within a higher cap keeps its bottom step", 100_000, 500_000,
                        layers(0), T.camera(0, -1).priority(Receiver.PRIORITY_SCREEN).rates(400_000)),
                c("a camera over the estimate is suspended", 100_000, layers(-1), T.camera(0, -1).rates(400_000)),
                c("the active speaker before another camera", 700_000, layers(1, 0), speaker, T.camera(2, -1)),
                c("larger tile first among equals", 700_000, layers(0, 1), T.camera(2, -1).area(320 * 180),
                        T.camera(2, -1).area(1280 * 720)),
                c("0x0 (best) ranks as the largest tile", 700_000, layers(1, 0), T.camera(2, -1).area(0),
                        T.camera(2, -1).area(1280 * 720)),
                c("every track gets its low layer before any is raised", 800_000, layers(1, 0, 0),
                        T.camera(2, -1), T.camera(2, -1), T.camera(2, -1)),
                c("the lowest priority is suspended first", 250_000, layers(0, -1), T.camera(2, -1).priority(1),
                        T.camera(2, -1)),
                c("layers listed high to low are ranked by rate", 600_000, layers(1),
                        T.camera(0, -1).rates(1_700_000, 500_000, 150_000)),
                c("a layer that is not live is skipped", 1_000_000, layers(0), T.camera(2, -1).rates(150_000, -1, 1_700_000)),
                c("rates not measured yet (0): the wanted layer", 100_000, layers(2), T.camera(2, -1).rates(0, 0, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void table(Case c) {
        Allocator.Track[] tracks = c.tracks().stream().map(T::track).toArray(Allocator.Track[]::new);
        new Allocator().allocate(tracks, tracks.length, c.budget(), c.capBudget(), NOW);
        assertThat(Arrays.stream(tracks).mapToInt(t -> t.allowed).toArray()).isEqualTo(c.want());
        for (int i = 0; i < tracks.length; i++) {
            assertThat(tracks[i].suspended).as("track %d suspended", i).isEqualTo(c.suspended()[i]);
        }
    }

    @Test
    void aShareKeptOverTheBudgetSaysSoForTheProbes() {
        Allocator.Track[] tracks = {T.camera(0, -1).priority(Receiver.PRIORITY_SCREEN).rates(400_000).track(),
                T.camera(2, -1).track()};
        new Allocator().allocate(tracks, 2, 100_000, Long.MAX_VALUE, NOW);
        assertThat(tracks[0].overBudget).isTrue();
        assertThat(tracks[0].suspended).isFalse();
        new Allocator().allocate(tracks, 2, 5_000_000, Long.MAX_VALUE, NOW);
        assertThat(tracks[0].overBudget).as("it fits now").isFalse();
    }

    /**
     * Three layers of three temporal layers each, as Chrome sends VP8 simulcast (TL0 40 %, TL0+1 60 % of the layer,
     * libwebrtc's split): q 150, h 500, f 1500 kbit/s.
     */
    static Allocator.Track temporal(int wanted, boolean screen) {
        Allocator.Track t = T.camera(wanted, -1).rates(150_000, 500_000, 1_500_000).track();
        t.resolutionFirst = screen;
        for (int l = 0; l < 3; l++) {
            t.temporalLayers[l] = 3;
            t.temporalRates[l][0] = t.rates[l] * 4 / 10;
            t.temporalRates[l][1] = t.rates[l] * 6 / 10;
        }
        return t;
    }

    /** {layer, temporal} chosen for one track under {@code budget}; {-1, -1} when suspended. */
    static int[] choose(Allocator.Track t, long budget) {
        new Allocator().allocate(new Allocator.Track[] {t}, 1, budget, Long.MAX_VALUE, NOW);
        return t.allowed < 0 ? new int[] {-1, -1} : new int[] {t.allowed, t.allowedTemporal};
    }

    static final int ALL = Allocator.ALL_TEMPORAL;

    /**
     * The rule for spatial against temporal ({@link Allocator#ladder}): a camera gives up half its frame rate on a layer
     * before stepping down (720p at 15 fps before 360p at 30), never more except on its lowest layer; a screen share
     * keeps its resolution down to TL0 first.
     */
    @Test
    void aCameraHalvesItsFrameRateBeforeSteppingDownAndAScreenShareKeepsItsResolution() {
        assertThat(choose(temporal(2, false), 2_000_000)).as("camera, plenty").containsExactly(2, ALL);
        assertThat(choose(temporal(2, false), 1_000_000)).as("camera: f at TL0+1 (900k) fits").containsExactly(2, 1);
        assertThat(choose(temporal(2, false), 800_000)).as("camera: not f at TL0 (600k): h whole").containsExactly(1, ALL);
        assertThat(choose(temporal(2, false), 350_000)).as("camera: h at TL0+1").containsExactly(1, 1);
        assertThat(choose(temporal(2, false), 250_000)).as("camera: not h at TL0 (200k): q whole").containsExactly(0, ALL);
        assertThat(choose(temporal(2, false), 70_000)).as("camera: the lowest layer goes down to TL0").containsExactly(0, 0);
        assertThat(choose(temporal(2, false), 50_000)).as("camera: suspended below q at TL0").containsExactly(-1, -1);
        assertThat(choose(temporal(1, false), 2_000_000)).as("camera wanting h: never f").containsExactly(1, ALL);

        assertThat(choose(temporal(2, true), 800_000)).as("screen: f at TL0+1? no, 900k; f at TL0").containsExactly(2, 0);
        assertThat(choose(temporal(2, true), 1_000_000)).as("screen: f at TL0+1").containsExactly(2, 1);
        assertThat(choose(temporal(2, true), 250_000)).as("screen: h at TL0").containsExactly(1, 0);
        assertThat(choose(temporal(2, true), 190_000)).as("screen: h at TL0 (200k) does not fit: q whole").containsExactly(0, ALL);

        Allocator.Track cheapHigh = temporal(2, false);
        cheapHigh.temporalRates[2][1] = 450_000; // f at half the frame rate costs less than h whole: h is never chosen
        assertThat(choose(cheapHigh, 480_000)).as("a dearer, worse step is left out").containsExactly(2, 1);
    }

    /** A lower temporal layer is a step down like a lower layer: immediate, and the way back up waits and needs headroom. */
    @Test
    void temporalStepsFollowTheSameHysteresis() {
        Allocator allocator = new Allocator();
        Allocator.Track t = temporal(2, false);
        t.current = 2;
        t.currentTemporal = ALL;
        Allocator.Track[] one = {t};
        allocator.allocate(one, 1, 1_000_000, Long.MAX_VALUE, NOW);
        assertThat(new int[] {t.allowed, t.allowedTemporal}).as("down to TL0+1 at once").containsExactly(2, 1);
        t.currentTemporal = 1;
        allocator.allocate(one, 1, 5_000_000, Long.MAX_VALUE, NOW + Allocator.HOLD_AFTER_DOWN_MILLIS - 1);
        assertThat(t.allowedTemporal).as("held").isEqualTo(1);
        allocator.allocate(one, 1, 1_600_000, Long.MAX_VALUE, NOW + Allocator.HOLD_AFTER_DOWN_MILLIS);
        assertThat(t.allowedTemporal).as("1.5 Mbit/s does not fit 1.6 with 15 % to spare").isEqualTo(1);
        allocator.allocate(one, 1, 1_800_000, Long.MAX_VALUE, NOW + Allocator.HOLD_AFTER_DOWN_MILLIS);
        assertThat(t.allowedTemporal).as("every temporal layer again").isEqualTo(ALL);
    }

    @Test
    void noUpgradeSoonAfterADowngrade() {
        Allocator allocator = new Allocator();
        Allocator.Track[] t = {T.camera(2, 2).track()};
        allocator.allocate(t, 1, 600_000, Long.MAX_VALUE, NOW);
        assertThat(t[0].allowed).as("down to the middle layer").isEqualTo(1);
        t[0].current = 1;
        allocator.allocate(t, 1, 5_000_000, Long.MAX_VALUE, NOW + Allocator.HOLD_AFTER_DOWN_MILLIS - 1);
        assertThat(t[0].allowed).as("held").isEqualTo(1);
        allocator.allocate(t, 1, 5_000_000, Long.MAX_VALUE, NOW + Allocator.HOLD_AFTER_DOWN_MILLIS);
        assertThat(t[0].allowed).as("up again after the hold").isEqualTo(2);
    }

    /**
     * The keyframe asked for on the layer a track just stepped down to makes that layer briefly dearer than the top
     * layer at a lower frame rate (run J's spike: h whole measured above f at TL0+1); the ladder then leaves h out, and f
     * at TL0+1 is still a better picture, so it waits out the hold (it was taken 0.8 s after the step down).
     */
    @Test
    void aBetterPictureWaitsOutTheHoldEvenWhenItsRateIsLowerThanTheCurrentLayers() {
        for (boolean sizesKnown : new boolean[] {true, false}) {
            Allocator allocator = new Allocator();
            Allocator.Track t = temporal(2, false);
            if (sizesKnown) {
                System.arraycopy(WIDTHS, 0, t.widths, 0, 3);
            }
            t.current = 2;
            Allocator.Track[] one = {t};
            allocator.allocate(one, 1, 800_000, Long.MAX_VALUE, NOW);
            assertThat(new int[] {t.allowed, t.allowedTemporal}).as("down to h whole").containsExactly(1, ALL);
            t.current = 1;
            t.rates[1] = 1_000_000; // h's keyframe: h whole now dearer than f at TL0+1 (900k)
            allocator.allocate(one, 1, 1_000_000, Long.MAX_VALUE, NOW + 800);
            assertThat(t.allowed).as("f at TL0+1 is a better picture than h: held (sizes known: %s)", sizesKnown)
                    .isLessThanOrEqualTo(1);
            t.rates[1] = 500_000;
            t.current = t.allowed;
            t.currentTemporal = t.allowedTemporal;
            allocator.allocate(one, 1, 5_000_000, Long.MAX_VALUE, NOW + 800 + Allocator.HOLD_AFTER_DOWN_MILLIS);
            assertThat(t.allowed).as("up once the hold is over").isEqualTo(2);
        }
    }

    /** The hold is for steps down the budget made: a tile that shrinks and grows again gets its layer back at once. */
    @Test
    void aSmallerTilesStepDownDoesNotHoldItsRise() {
        Allocator allocator = new Allocator();
        Allocator.Track t = T.camera(0, 2).track();
        System.arraycopy(WIDTHS, 0, t.widths, 0, 3);
        Allocator.Track[] one = {t};
        allocator.allocate(one, 1, 5_000_000, Long.MAX_VALUE, NOW);
        assertThat(t.allowed).as("the small tile's layer").isZero();
        t.current = 0;
        t.wanted = 2;
        allocator.allocate(one, 1, 5_000_000, Long.MAX_VALUE, NOW + 1000);
        assertThat(t.allowed).as("the large tile's layer at once").isEqualTo(2);
    }

    @Test
    void returnsWhatEveryTrackWants() {
        Allocator.Track[] t = {T.camera(2, -1).track(), T.camera(1, -1).track()};
        assertThat(new Allocator().allocate(t, 2, 0, Long.MAX_VALUE, NOW)).isEqualTo(1_700_000 + 500_000);
    }

    // ---- dynacast (Allocator.Upstream): which layers the publisher encodes

    static final int[] WIDTHS = {320, 640, 1280};
    static final long PAUSE = 5000;

    static boolean[] active(Allocator.Upstream u) {
        return Arrays.copyOf(u.active, 3);
    }

    @Test
    void aLayerNobodyNeedsPausesOnlyAfterItWasUnneededForTheWholeWait() {
        Allocator.Upstream u = new Allocator.Upstream();
        assertThat(u.update(WIDTHS, 3, 0b011, PAUSE, NOW)).as("the full layer just became unneeded").isFalse();
        assertThat(u.update(WIDTHS, 3, 0b011, PAUSE, NOW + PAUSE - 1)).isFalse();
        assertThat(active(u)).containsExactly(true, true, true);
        assertThat(u.update(WIDTHS, 3, 0b011, PAUSE, NOW + PAUSE)).as("unneeded for the whole wait").isTrue();
        assertThat(active(u)).containsExactly(true, true, false);
        assertThat(u.update(WIDTHS, 3, 0b011, PAUSE, NOW + 2 * PAUSE)).as("told once").isFalse();
    }

    @Test
    void aLayerNeededAgainResumesAtOnceAndItsWaitStartsOver() {
        Allocator.Upstream u = new Allocator.Upstream();
        u.update(WIDTHS, 3, 0b001, PAUSE, NOW);
        u.update(WIDTHS, 3, 0b001, PAUSE, NOW + PAUSE);
        assertThat(active(u)).containsExactly(true, false, false);
        assertThat(u.update(WIDTHS, 3, 0b100, PAUSE, NOW + PAUSE + 1)).as("a large tile: resumed at once").isTrue();
        assertThat(active(u)).as("every layer up to the widest needed").containsExactly(true, true, true);
        // a tile that shrinks for less than the wait does not pause the layer (no flapping)
        u.update(WIDTHS, 3, 0b001, PAUSE, NOW + PAUSE + 2);
        u.update(WIDTHS, 3, 0b100, PAUSE, NOW + 2 * PAUSE);
        assertThat(u.update(WIDTHS, 3, 0b001, PAUSE, NOW + 2 * PAUSE + 3)).isFalse();
        assertThat(u.update(WIDTHS, 3, 0b001, PAUSE, NOW + 3 * PAUSE + 2)).as("the wait restarted").isFalse();
        assertThat(u.update(WIDTHS, 3, 0b001, PAUSE, NOW + 3 * PAUSE + 3)).isTrue();
        assertThat(active(u)).containsExactly(true, false, false);
    }

    @Test
    void withNoSubscriberTheNarrowestLayerStaysAndLayersRankByWidthNotIndex() {
        Allocator.Upstream u = new Allocator.Upstream();
        int[] reversed = {1280, 640, 320}; // a client that lists its rids from the full layer down
        u.update(reversed, 3, 0, PAUSE, NOW);
        u.update(reversed, 3, 0, PAUSE, NOW + PAUSE);
        assertThat(active(u)).containsExactly(false, false, true);
        u.update(reversed, 3, 0b010, PAUSE, NOW + PAUSE + 1);
        assertThat(active(u)).containsExactly(false, true, true);
    }

    @Test
    void aLayerOfUnknownWidthIsNeverPausedAndANeededOneOfUnknownWidthKeepsAll() {
        Allocator.Upstream u = new Allocator.Upstream();
        int[] fullUnseen = {320, 640, 0};
        u.update(fullUnseen, 3, 0b001, PAUSE, NOW);
        u.update(fullUnseen, 3, 0b001, PAUSE, NOW + PAUSE);
        assertThat(active(u)).as("never seen: a subscriber could not ask for it again").containsExactly(true, false, true);
        u.update(fullUnseen, 3, 0b100, PAUSE, NOW + PAUSE + 1);
        assertThat(active(u)).containsExactly(true, true, true);
    }

    @Test
    void resetEncodesEverythingAgain() {
        Allocator.Upstream u = new Allocator.Upstream();
        u.update(WIDTHS, 3, 0b001, PAUSE, NOW);
        u.update(WIDTHS, 3, 0b001, PAUSE, NOW + PAUSE);
        u.reset();
        assertThat(active(u)).containsExactly(true, true, true);
        assertThat(u.update(WIDTHS, 3, 0b001, PAUSE, NOW + PAUSE + 1)).as("the wait starts again").isFalse();
    }
}
