package io.atrium.bench.load;

/**
 * Stream ids in the {@link Stamp}: publisher {@code p} sends audio as {@code 4p}, video as {@code 4p+1} and,
 * with simulcast, its lower layers as {@code 4p+2} (half) and {@code 4p+3} (quarter resolution).
 */
public final class StreamIds {
    /** Stream ids per publisher. */
    public static final int PER_PUBLISHER = 4;

    private StreamIds() {
    }

    public static int audio(int publisher) {
        return publisher * PER_PUBLISHER;
    }

    /** Video stream id of {@code layer} (0 = full resolution, 1 = half, 2 = quarter). */
    public static int video(int publisher, int layer) {
        return publisher * PER_PUBLISHER + 1 + layer;
    }

    public static boolean isAudio(int id) {
        return id % PER_PUBLISHER == 0;
    }

    public static int publisher(int id) {
        return id / PER_PUBLISHER;
    }

    /** Number of ids for {@code publishers} publishers. */
    public static int count(int publishers) {
        return publishers * PER_PUBLISHER;
    }
}
