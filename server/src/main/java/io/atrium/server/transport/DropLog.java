package io.atrium.server.transport;

import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts dropped network input of one kind and logs a summary at most every
 * {@link #INTERVAL_MILLIS}, so a flood of bad packets costs a counter increment, not a log line each.
 * Allocation-free except when it logs. Single-threaded (media thread).
 */
public final class DropLog {

    static final long INTERVAL_MILLIS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(DropLog.class);

    private final String what;
    private long count;
    private long lastLogMillis = Long.MIN_VALUE / 2;

    public DropLog(String what) {
        this.what = what;
    }

    /** Records one drop; {@code code} is a reason code or the first byte, for the summary. */
    public void record(InetSocketAddress from, int code) {
        count++;
        long now = System.currentTimeMillis();
        if (now - lastLogMillis >= INTERVAL_MILLIS) {
            log.warn("dropped {} {} in the last {} s; latest from {} (code {})", count, what, INTERVAL_MILLIS / 1000, from, code);
            count = 0;
            lastLogMillis = now;
        }
    }
}
