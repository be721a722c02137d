package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Gapless}: dropped inputs leave no hole in the output, late ones keep their place, outputs map back. */
class GaplessTest {

    @Test
    void dropsCloseTheGapAndLateInputsKeepTheirPlace() {
        Gapless g = new Gapless();
        g.reset(100, 7);
        assertThat(g.map(100, false)).isEqualTo(7);
        assertThat(g.map(101, true)).as("dropped").isEqualTo(-1);
        assertThat(g.map(103, false)).as("102 is missing (lost upstream): its place stays").isEqualTo(9);
        assertThat(g.map(104, true)).isEqualTo(-1);
        assertThat(g.map(105, false)).isEqualTo(10);
        assertThat(g.map(102, false)).as("late: the place left for it").isEqualTo(8);
        assertThat(g.lookup(103)).as("again").isEqualTo(9);
        assertThat(g.lookup(101)).as("a dropped input stays dropped").isEqualTo(-1);
        assertThat(g.map(104, false)).as("a late copy of a dropped input is not sent").isEqualTo(-1);
        assertThat(g.map(99, false)).as("before the reset").isEqualTo(-1);
        assertThat(g.lookup(106)).as("not seen yet").isEqualTo(-1);
        for (long out = 7; out <= 10; out++) {
            assertThat(g.lookup(g.unmap(out))).as("out %d maps back", out).isEqualTo(out);
        }
        assertThat(g.unmap(6)).as("before the reset").isEqualTo(-1);
        assertThat(g.unmap(11)).as("not given yet").isEqualTo(-1);
        assertThat(g.highestOut()).isEqualTo(10);
    }

    @Test
    void aResetContinuesTheOutputAndForgetsTheDrops() {
        Gapless g = new Gapless();
        g.reset(10, 10);
        g.map(10, false);
        g.map(11, true);
        g.map(12, false);
        g.reset(5000, g.highestOut() + 1);
        assertThat(g.map(5000, false)).isEqualTo(12);
        assertThat(g.lookup(12)).as("an input of the previous epoch").isEqualTo(-1);
        assertThat(g.unmap(11)).isEqualTo(-1);
    }

    @Test
    void inputsOlderThanTheDropsRememberedAreRefused() {
        Gapless g = new Gapless();
        g.reset(0, 0);
        long in = 0;
        g.map(in++, false);
        for (int i = 0; i < Gapless.CAPACITY + 10; i++) {
            g.map(in++, true);
            g.map(in++, false);
        }
        assertThat(g.lookup(0)).as("before the oldest drop remembered").isEqualTo(-1);
        assertThat(g.unmap(0)).isEqualTo(-1);
        long recent = in - 1;
        assertThat(g.unmap(g.lookup(recent))).isEqualTo(recent);
        assertThat(g.lookup(recent)).isEqualTo(Gapless.CAPACITY + 10);
    }

    @Test
    void unwrapsAroundTheHighestInput() {
        Gapless g = new Gapless();
        assertThat(g.unwrap(32767, 1 << 15)).as("before any input: the raw value").isEqualTo(32767);
        g.reset(32767, 0);
        g.map(32767, false);
        assertThat(g.unwrap(0, 1 << 15)).isEqualTo(32768);
        assertThat(g.unwrap(32760, 1 << 15)).isEqualTo(32760);
        assertThat(g.unwrap(5, 128)).as("7-bit").isEqualTo(32767 + 6);
    }
}
