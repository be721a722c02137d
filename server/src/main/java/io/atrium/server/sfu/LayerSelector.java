package io.atrium.server.sfu;

/**
 * Chooses the simulcast layer for a target render size: among the layers that are live (or paused upstream by
 * dynacast, {@link Layer#isAvailable}), the
 * smallest whose known width and height reach the target, else the largest. Sizes come from the
 * stream itself ({@link Keyframes}: VP8 keyframes, H.264 SPS, VP9 and AV1 headers); when no width is known yet, layers rank by bitrate and the target picks by thirds of
 * 1280 pixels. A 0×0 target means the best layer. The spatial layers of one VP9 SVC stream are chosen by the same
 * rule ({@link #spatial}), from the sizes its scalability structure gives.
 */
final class LayerSelector {

    private LayerSelector() {
    }

    static int choose(Layer[] layers, int targetWidth, int targetHeight, long nowMillis) {
        if (layers.length == 1) {
            return layers[0].ssrcKnown ? 0 : -1;
        }
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
            return byBitrate(layers, targetWidth, targetWidth == 0 && targetHeight == 0, nowMillis);
        }
        for (Layer l : layers) {
            if (!l.isAvailable(nowMillis) || l.keyframes.width() == 0) {
                continue;
            }
            int w = l.keyframes.width();
            largest = largest < 0 || w > layers[largest].keyframes.width() ? l.index : largest;
            best = better(best, best < 0 ? 0 : layers[best].keyframes.width(), l.index, w, l.keyframes.height(),
                    targetWidth, targetHeight);
        }
        return best >= 0 ? best : largest;
    }

    /**
     * The spatial layer of a VP9 SVC stream for a target render size, by the rule above: the smallest whose size
     * reaches the target, else the top one (the scalability structure lists them smallest first).
     */
    static int spatial(Keyframes k, int targetWidth, int targetHeight) {
        int best = -1;
        for (int s = 0; s < k.spatialLayers(); s++) {
            best = better(best, best < 0 ? 0 : k.spatialWidth(best), s, k.spatialWidth(s), k.spatialHeight(s),
                    targetWidth, targetHeight);
        }
        return best >= 0 ? best : k.spatialLayers() - 1;
    }

    /** The rule: {@code candidate} (w×h) replaces {@code best} (width bestWidth) when it reaches the target and is narrower. */
    private static int better(int best, int bestWidth, int candidate, int w, int h, int targetWidth, int targetHeight) {
        boolean unbounded = targetWidth == 0 && targetHeight == 0;
        return !unbounded && w > 0 && w >= targetWidth && h >= targetHeight && (best < 0 || w < bestWidth) ? candidate : best;
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
