package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 3711 section 3.3.1 / appendix A index estimation, section 3.3.2 replay window, the SSRC table. */
class ReplayAndIndexTest {

    @ParameterizedTest(name = "highest={0} seq={1} -> {2}")
    @CsvSource({
        "-1, 40000, 40000",                 // first packet: ROC 0, s_l = seq
        "100, 101, 101",
        "100, 50, 50",
        "65535, 0, 65536",                  // wrap: v = ROC + 1
        "65535, 32766, 98302",              // s_l - 2^15 > seq: next ROC
        "65535, 32767, 32767",              // s_l - 2^15 = seq: same ROC
        "65537, 65534, 65534",              // just after the wrap, a late pre-wrap packet: v = ROC - 1
        "65537, 32770, 32770",              // seq - s_l = 2^15 + 1 > 2^15: previous ROC
        "65537, 32769, 98305",              // seq - s_l = 2^15: same ROC
        "1, 65535, -5",                     // would need ROC -1: too old
        "281474976710655, 0, -8",           // ROC 2^32 - 1 at s_l 65535, next wraps past 2^48: exhausted
    })
    void estimatesTheIndex(long highest, int seq, long expected) {
        assertThat(SrtpContext.estimateIndex(highest, seq)).isEqualTo(expected);
    }

    @Test
    void windowTracksSeenIndicesAndSlides() {
        ReplayWindow window = new ReplayWindow(64);
        assertThat(window.top()).isEqualTo(-1);
        assertThat(window.check(0)).isZero();
        window.accept(0);
        assertThat(window.check(0)).isEqualTo(SrtpError.REPLAYED);
        window.accept(70);
        assertThat(window.check(6)).isEqualTo(SrtpError.TOO_OLD);
        assertThat(window.check(7)).isZero();
        assertThat(window.check(69)).isZero();
        window.accept(69);
        assertThat(window.check(69)).isEqualTo(SrtpError.REPLAYED);
        window.accept(71);
        assertThat(window.check(70)).isEqualTo(SrtpError.REPLAYED);
        window.accept(1000);
        assertThat(window.check(999)).isZero();
        assertThat(window.check(937)).isZero();
        assertThat(window.check(936)).isEqualTo(SrtpError.TOO_OLD);
        assertThat(window.check(1001)).isZero();
    }

    @Test
    void windowMatchesASetModelUnderRandomTraffic() {
        SplittableRandom random = new SplittableRandom(3);
        ReplayWindow window = new ReplayWindow(128);
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long top = -1;
        for (int i = 0; i < 20000; i++) {
            long index = Math.max(0, top + random.nextInt(-150, 40));
            int expected = index > top ? 0 : top - index >= 128 ? SrtpError.TOO_OLD
                    : seen.contains(index) ? SrtpError.REPLAYED : 0;
            assertThat(window.check(index)).as("index %d top %d", index, top).isEqualTo(expected);
            if (expected == 0) {
                window.accept(index);
                seen.add(index);
                top = Math.max(top, index);
            }
        }
    }

    @Test
    void windowSizeMustBeAPowerOfTwoOfAtLeast64() {
        assertThatThrownBy(() -> new ReplayWindow(32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplayWindow(100)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SrtpContext.RTP_REPLAY_WINDOW).isGreaterThanOrEqualTo(64);
        assertThat(SrtpContext.RTCP_REPLAY_WINDOW).isGreaterThanOrEqualTo(64);
    }

    @Test
    void ssrcTableMatchesAMapUnderInsertAndRemove() {
        SplittableRandom random = new SplittableRandom(5);
        SsrcTable table = new SsrcTable(64);
        Map<Integer, SsrcState> model = new HashMap<>();
        for (int i = 0; i < 50000; i++) {
            int ssrc = random.nextInt(200) * 0x01000193; // clustered keys collide in the probe sequence
            if (random.nextInt(3) == 0) {
                assertThat(table.remove(ssrc)).isEqualTo(model.remove(ssrc) != null);
            } else if (table.get(ssrc) == null && !table.isFull()) {
                model.put(ssrc, table.create(ssrc));
            }
            assertThat(table.size()).isEqualTo(model.size());
            assertThat(table.get(ssrc)).isSameAs(model.get(ssrc));
        }
        for (Map.Entry<Integer, SsrcState> e : model.entrySet()) {
            assertThat(table.get(e.getKey())).isSameAs(e.getValue());
        }
    }
}
