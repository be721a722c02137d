package io.atrium.bench.load;

/**
 * The steady measurement window, fixed before traffic starts: a packet belongs to it when its stamped send time
 * lies in {@code [startNanos, endNanos)} (System.nanoTime). Publishers count what they sent in it and
 * subscribers what they received of it, so loss is exact however long packets take to arrive.
 */
public record Window(long startNanos, long endNanos) {

    /** A window that contains no time (nothing counts). */
    public static final Window NEVER = new Window(Long.MAX_VALUE, Long.MAX_VALUE);

    public Window {
        if (endNanos - startNanos < 0) {
            throw new IllegalArgumentException("window ends before it starts");
        }
    }

    /** Whether a packet sent at {@code sendNanos} belongs to the window. */
    public boolean contains(long sendNanos) {
        return sendNanos - startNanos >= 0 && sendNanos - endNanos < 0;
    }

    /** Length in seconds. */
    public double seconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
