package io.atrium.server.sfu;

/**
 * Chooses the simulcast layer for a target render size: among the layers that are live (or paused upstream by
 * dynacast, {@link Layer#isAvailable}), the
 * smallest whose known width and height reach the target, else the largest. Sizes come from the
 * stream itself ({@link Keyframes}: VP8 keyframes, H.264 SPS, VP9 and AV1 headers); when no width is known yet, layers rank by bitrate and the target picks by thirds of
 * 1280 pixels. A 0×0 target means the best layer.
 */
final class LayerSelector {

    private LayerSelector() {
    }

    static int choose(Layer[] layers, int targetWidth, int targetHeight, long nowMillis) {
        if (layers.length == 1) {
            return layers[0].ssrcKnown ? 0 : -1;
        }
        boolean unbounded = targetWidth == 0 && targetHeight == 0;
        int best = -1;
        int largest = -1;
        boolean sizesKnown = false;
        for (Layer l : layers) {
            if (!l.isAvailable(nowMillis)) {
                continue;
            }
            if (l.keyframes.width() > 0) {
                sizesKnown = true;
            }
        }
        if (!sizesKnown) {
            return byBitrate(layers, targetWidth, unbounded, nowMillis);
        }
        for (Layer l : layers) {
            if (!l.isAvailable(nowMillis) || l.keyframes.width() == 0) {
                continue;
            }
            int w = l.keyframes.width();
            int h = l.keyframes.height();
            if (largest < 0 || w > layers[largest].keyframes.width()) {
                largest = l.index;
            }
            if (!unbounded && w >= targetWidth && h >= targetHeight
                    && (best < 0 || w < layers[best].keyframes.width())) {
                best = l.index;
            }
        }
        return best >= 0 ? best : largest;
    }

    private static int byBitrate(Layer[] layers, int targetWidth, boolean unbounded, long nowMillis) {
        int[] order = java.util.stream.IntStream.range(0, layers.length)
                .filter(i -> layers[i].isAvailable(nowMillis))
                .boxed().sorted((a, b) -> Long.compare(layers[a].bitrate, layers[b].bitrate))
                .mapToInt(Integer::intValue).toArray();
        if (order.length == 0) {
            return -1;
        }
        if (unbounded) {
            return order[order.length - 1];
        }
        int rank = targetWidth <= 426 ? 0 : targetWidth <= 853 ? 1 : 2;
        return order[Math.min(rank * order.length / 3, order.length - 1)];
    }
}
