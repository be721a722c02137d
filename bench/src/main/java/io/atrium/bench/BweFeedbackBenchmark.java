package io.atrium.bench;

import io.atrium.server.sfu.bwe.BandwidthEstimator;
import io.atrium.server.sfu.bwe.SendHistory;
import io.atrium.webrtc.rtcp.TransportCcFeedback;
import io.atrium.webrtc.rtcp.TransportCcFeedbackWriter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * <b>What it measures:</b> the send-side bandwidth estimator's cost per transport-cc feedback message
 * from a subscriber (docs/MEDIA.md), as {@code Subscriber.onRtcp} pays it on the media thread.
 *
 * <ul>
 *   <li>{@link #feedback}: record {@code packets} sent packets (1200 B, 1 ms apart) in the
 *       {@link SendHistory}, then read the next pre-written feedback message reporting exactly them as
 *       received 20 ms later ({@link TransportCcFeedback#wrap} validates every chunk and delta) and
 *       run {@link BandwidthEstimator#onFeedback}: match each to its send time and size, trendline
 *       detector, received-rate window, loss count, AIMD and loss-based update.</li>
 *   <li>{@link #recordOnly}: the {@link SendHistory} part alone, to subtract.</li>
 * </ul>
 * The messages cycle through all 65,536 transport-wide sequence numbers, as a long call does. Layer
 * allocation, which runs after feedback at most every 200 ms, is not included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BweFeedbackBenchmark {

    static final int PACKET = 1200;
    static final long SPACING_MICROS = 1000;
    static final long DELAY_MICROS = 20_000;

    /** Packets reported per feedback message (16: ~1.5 Mbit/s at Chrome's 100 ms interval; 64: a busy peer). */
    @Param({"16", "64"})
    public int packets;

    SendHistory history;
    BandwidthEstimator estimator;
    final TransportCcFeedback reader = new TransportCcFeedback();
    byte[][] messages;
    int[] lengths;
    int next;
    long sendMicros;

    @Setup
    public void setUp() {
        history = new SendHistory();
        estimator = new BandwidthEstimator(BandwidthEstimator.Limits.DEFAULT);
        int count = 65_536 / packets;
        messages = new byte[count][];
        lengths = new int[count];
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter();
        byte[] buf = new byte[1500];
        for (int m = 0; m < count; m++) {
            int base = m * packets;
            writer.reset(1, 2, base, base * SPACING_MICROS + DELAY_MICROS, m);
            for (int k = base; k < base + packets; k++) {
                writer.addReceived(k & 0xFFFF, k * SPACING_MICROS + DELAY_MICROS);
            }
            lengths[m] = writer.write(buf, 0, buf.length);
            messages[m] = java.util.Arrays.copyOf(buf, lengths[m]);
        }
        next = 0;
        sendMicros = 0;
    }

    @Benchmark
    public long feedback() {
        record();
        byte[] message = messages[next];
        reader.wrap(message, 0, lengths[next]);
        next = next + 1 == messages.length ? 0 : next + 1;
        estimator.onFeedback(reader, history, sendMicros + DELAY_MICROS);
        return estimator.estimate();
    }

    @Benchmark
    public long recordOnly() {
        record();
        next = next + 1 == messages.length ? 0 : next + 1;
        return sendMicros;
    }

    private void record() {
        for (int k = 0; k < packets; k++) {
            history.sent(sendMicros, PACKET);
            sendMicros += SPACING_MICROS;
        }
    }
}
