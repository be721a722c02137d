package io.atrium.server.sfu;

import io.atrium.webrtc.rtcp.TransportCcFeedbackWriter;
import io.atrium.webrtc.rtp.SequenceNumberUnwrapper;
import java.util.Arrays;

/**
 * Arrival times of a publisher's packets by transport-wide sequence number, turned into
 * transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01) so the sender's own
 * bandwidth estimator (Chrome's GCC) can ramp up. Bounded ring, allocation-free. Media thread only.
 */
final class TwccRecorder {

    static final int SIZE = 1024;
    static final long FEEDBACK_INTERVAL_MICROS = 50_000;

    private final long[] sequences = new long[SIZE];
    private final long[] arrivals = new long[SIZE];
    private final SequenceNumberUnwrapper unwrapper = new SequenceNumberUnwrapper();
    private final TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(SIZE);
    private long highest = -1;
    private long nextToReport = -1;
    private long lastFeedbackMicros;
    private int feedbackCount;

    TwccRecorder() {
        Arrays.fill(sequences, -1);
    }

    void onPacket(int transportSeq, long arrivalMicros) {
        long ext = unwrapper.unwrap(transportSeq);
        if (nextToReport < 0) {
            nextToReport = ext;
        }
        if (ext < nextToReport) {
            return; // already reported as lost; too late to matter
        }
        if (ext - nextToReport >= SIZE) {
            nextToReport = ext - SIZE / 2;
        }
        int i = (int) (ext & (SIZE - 1));
        sequences[i] = ext;
        arrivals[i] = arrivalMicros;
        highest = Math.max(highest, ext);
    }

    /**
     * Writes one feedback message for what arrived since the last one, at most every
     * {@link #FEEDBACK_INTERVAL_MICROS}; returns its length, or 0 when none is due.
     */
    int write(byte[] buf, int off, int capacity, int senderSsrc, int mediaSsrc, long nowMicros) {
        if (highest < nextToReport || nowMicros - lastFeedbackMicros < FEEDBACK_INTERVAL_MICROS) {
            return 0;
        }
        long reference = -1;
        for (long s = nextToReport; s <= highest && reference < 0; s++) {
            int i = (int) (s & (SIZE - 1));
            if (sequences[i] == s) {
                reference = arrivals[i];
            }
        }
        if (reference < 0) {
            return 0;
        }
        writer.reset(senderSsrc, mediaSsrc, (int) (nextToReport & 0xFFFF), reference, feedbackCount);
        long last = nextToReport - 1;
        for (long s = nextToReport; s <= highest; s++) {
            int i = (int) (s & (SIZE - 1));
            if (sequences[i] == s) {
                if (!writer.addReceived((int) (s & 0xFFFF), arrivals[i])) {
                    break;
                }
                last = s;
            }
        }
        int n = writer.write(buf, off, capacity);
        if (n > 0) {
            nextToReport = last + 1;
            feedbackCount = (feedbackCount + 1) & 0xFF;
            lastFeedbackMicros = nowMicros;
        }
        return Math.max(n, 0);
    }
}
