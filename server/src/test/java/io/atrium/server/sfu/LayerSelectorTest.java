package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of {@link LayerSelector#choose}: which simulcast layer a subscriber's render size gets. */
class LayerSelectorTest {

    static final long NOW = 100_000;

    /** One layer as the selector sees it: SSRC known, last packet how long ago, bitrate, VP8 keyframe size. */
    record L(boolean ssrcKnown, long silentMillis, long bitrate, int width, int height) {
        static L live(long bitrate) {
            return new L(true, 0, bitrate, 0, 0);
        }

        static L sized(int width, int height) {
            return new L(true, 0, 0, width, height);
        }

        L silentFor(long millis) {
            return new L(ssrcKnown, millis, bitrate, width, height);
        }
    }

    record Case(String name, L[] layers, int targetWidth, int targetHeight, int want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, int w, int h, int want, L... layers) {
        return new Case(name, layers, w, h, want);
    }

    static Stream<Case> cases() {
        L q = L.sized(320, 180);
        L half = L.sized(640, 360);
        L full = L.sized(1280, 720);
        return Stream.of(
                c("one layer with a known SSRC", 320, 180, 0, L.live(0)),
                c("one layer whose SSRC is not known yet", 320, 180, -1, new L(false, 0, 0, 0, 0)),
                c("one layer is taken even when silent", 320, 180, 0, L.live(0).silentFor(10_000)),
                c("no live layer", 640, 360, -1, L.live(1).silentFor(2_000), L.live(2).silentFor(5_000)),
                c("sizes known: the smallest that reaches the target", 640, 360, 1, q, half, full),
                c("sizes known: one pixel wider needs the next layer", 641, 360, 2, q, half, full),
                c("sizes known: one pixel taller needs the next layer", 640, 361, 2, q, half, full),
                c("sizes known: a tiny target gets the smallest", 100, 50, 0, q, half, full),
                c("sizes known: a huge target gets the largest", 3840, 2160, 2, q, half, full),
                c("sizes known: 0x0 means the best", 0, 0, 2, q, half, full),
                c("sizes known: layers listed high to low", 640, 360, 1, full, half, q),
                c("sizes known: a silent layer is skipped", 1280, 720, 1, q, half, full.silentFor(2_000)),
                c("sizes known: a layer without a size yet is skipped", 1280, 720, 1, q, half, L.live(9_000_000)),
                c("bitrates only: small target gets the lowest", 320, 180, 1, L.live(2_000_000), L.live(150_000),
                        L.live(600_000)),
                c("bitrates only: middle third gets the middle", 640, 360, 2, L.live(2_000_000), L.live(150_000),
                        L.live(600_000)),
                c("bitrates only: large target gets the highest", 1280, 720, 0, L.live(2_000_000), L.live(150_000),
                        L.live(600_000)),
                c("bitrates only: 0x0 gets the highest", 0, 0, 0, L.live(2_000_000), L.live(150_000), L.live(600_000)),
                c("bitrates only: boundaries are 426 and 853 pixels", 426, 240, 0, L.live(1), L.live(2), L.live(3)),
                c("bitrates only: 427 pixels is the middle third", 427, 240, 1, L.live(1), L.live(2), L.live(3)),
                c("bitrates only: 854 pixels is the top third", 854, 480, 2, L.live(1), L.live(2), L.live(3)),
                c("bitrates only: two live layers, middle third gets the lower", 640, 360, 0, L.live(100), L.live(900),
                        L.live(5).silentFor(3_000)),
                c("bitrates only: two live layers, top third gets the higher", 1280, 720, 1, L.live(100), L.live(900),
                        L.live(5).silentFor(3_000)),
                c("a layer silent for just under 2 s is live", 0, 0, 1, L.live(1), L.live(2).silentFor(1_999)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void table(Case c) {
        Layer[] layers = new Layer[c.layers().length];
        for (int i = 0; i < layers.length; i++) {
            L l = c.layers()[i];
            Layer layer = new Layer(i, "r" + i, 16);
            layer.ssrcKnown = l.ssrcKnown();
            layer.lastPacketMillis = NOW - l.silentMillis();
            layer.bitrate = l.bitrate();
            if (l.width() > 0) {
                byte[] key = Vp8.keyframe(0, l.width(), l.height());
                assertThat(layer.keyframes.isKeyframe(Keyframes.Codec.VP8, key, 0, key.length)).isTrue();
            }
            layers[i] = layer;
        }
        assertThat(LayerSelector.choose(layers, c.targetWidth(), c.targetHeight(), NOW)).isEqualTo(c.want());
    }
}
