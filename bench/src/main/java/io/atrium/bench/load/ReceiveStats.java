package io.atrium.bench.load;

import io.atrium.webrtc.rtp.RtpPacket;

/**
 * What one subscriber received: checks each RTP packet's {@link Stamp}, counts packets per stream inside the
 * {@link Window} once each (a 512-entry ring per stream drops duplicates), and records one-way latency of
 * in-window packets: from the time the generator handed the packet to the kernel ({@link SendTimes}, when it knows
 * it), so that the generator's own waits (its pacer's pass, its send queue) are not counted as the server's, and those
 * waits apart (from the stamp to the hand-over). Fed by one receive thread; read by others through the synchronized
 * getters after the window has drained.
 */
public final class ReceiveStats {
    private static final int RING = 512;

    private final RtpPacket rtp = new RtpPacket();
    private final Stamp stamp = new Stamp();
    private final LatencyHistogram audioLatency = new LatencyHistogram();
    private final LatencyHistogram videoLatency = new LatencyHistogram();
    /** Video packets of key frames only (also in {@link #videoLatency}): what a frame's size does to the tail. */
    private final LatencyHistogram keyframeLatency = new LatencyHistogram();
    /** From each in-window packet's stamp to its hand-over to the kernel, where {@link #sendTimes} knows it. */
    private final LatencyHistogram sendWait = new LatencyHistogram();
    private final SendTimes sendTimes;
    /** Per stream: the RTP timestamp of the last key frame's first packet, valid where {@link #keyframeSeen}. */
    private final int[] keyframeTimestamp;
    private final boolean[] keyframeSeen;
    private final int[][] rings;
    private final long[] uniqueInWindow;
    private volatile Window window = Window.NEVER;
    private long packets;
    private long corrupt;
    private long unstamped;
    private long duplicates;
    private long inWindow;

    /** @param streams number of stream ids (ids are {@code 0..streams-1}); latency from the stamps alone */
    public ReceiveStats(int streams) {
        this(streams, null);
    }

    /**
     * @param streams number of stream ids (ids are {@code 0..streams-1})
     * @param sendTimes when the packets were handed to the kernel (null: latency from the stamps)
     */
    public ReceiveStats(int streams, SendTimes sendTimes) {
        this.sendTimes = sendTimes;
        rings = new int[streams][];
        uniqueInWindow = new long[streams];
        keyframeTimestamp = new int[streams];
        keyframeSeen = new boolean[streams];
    }

    /**
     * Sets the window to count in, its counts, latencies and the corrupt packets from zero (what was counted of an
     * earlier one is forgotten).
     */
    public synchronized void window(Window w) {
        java.util.Arrays.fill(uniqueInWindow, 0);
        inWindow = 0;
        duplicates = 0;
        corrupt = 0;
        audioLatency.clear();
        videoLatency.clear();
        keyframeLatency.clear();
        sendWait.clear();
        window = w;
    }

    /** Handles one decrypted RTP packet. */
    public synchronized void onRtp(byte[] buf, int off, int len, long receiveNanos) {
        packets++;
        if (!rtp.wrap(buf, off, len)) {
            unstamped++;
            return;
        }
        switch (stamp.read(buf, rtp.payloadOffset(), rtp.payloadLength())) {
            case NO_STAMP -> unstamped++;
            case CORRUPT -> corrupt++;
            case OK -> counted(receiveNanos);
        }
    }

    private void counted(long receiveNanos) {
        int id = stamp.streamId();
        if (id >= rings.length || !window.contains(stamp.sendNanos())) {
            return;
        }
        int[] ring = rings[id];
        if (ring == null) {
            ring = rings[id] = new int[RING];
        }
        int seq = (int) stamp.sequence();
        int slot = seq & (RING - 1);
        if (ring[slot] == seq + 1) {
            duplicates++;
            return;
        }
        ring[slot] = seq + 1;
        uniqueInWindow[id]++;
        inWindow++;
        long sent = sendTimes == null ? -1 : sendTimes.sentAt(id, stamp.sequence());
        long from = stamp.sendNanos();
        if (sent != -1 && sent - from >= 0) {
            sendWait.record(sent - from);
            from = sent;
        }
        long latency = receiveNanos - from;
        if (StreamIds.isAudio(id)) {
            audioLatency.record(latency);
            return;
        }
        videoLatency.record(latency);
        if (startsKeyframe()) {
            keyframeTimestamp[id] = rtp.timestamp();
            keyframeSeen[id] = true;
        }
        if (keyframeSeen[id] && keyframeTimestamp[id] == rtp.timestamp()) {
            keyframeLatency.record(latency);
        }
    }

    /** True for the first packet of a VP8 key frame (RFC 7741 descriptor, S bit, then P = 0 in the frame tag). */
    private boolean startsKeyframe() {
        byte[] b = rtp.buffer();
        int p = rtp.payloadOffset();
        int end = p + rtp.payloadLength();
        if (p >= end || (b[p] & 0x10) == 0 || (b[p] & 0x07) != 0) {
            return false;
        }
        int q = p + 1;
        if ((b[p] & 0x80) != 0 && q < end) {
            int x = b[q++];
            if ((x & 0x80) != 0 && q < end) {
                q += (b[q] & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) {
                q++;
            }
            if ((x & 0x30) != 0) {
                q++;
            }
        }
        return q < end && (b[q] & 0x01) == 0;
    }

    /** RTP packets received (all, decrypted). */
    public synchronized long packets() {
        return packets;
    }

    /** Packets whose body failed the CRC or whose trailer was inconsistent. */
    public synchronized long corrupt() {
        return corrupt;
    }

    /** Packets without a trailer (not ours, or cut short). */
    public synchronized long unstamped() {
        return unstamped;
    }

    /** In-window packets received more than once. */
    public synchronized long duplicates() {
        return duplicates;
    }

    /** Distinct in-window packets received. */
    public synchronized long inWindow() {
        return inWindow;
    }

    /** Distinct in-window packets received of stream {@code id}. */
    public synchronized long inWindow(int id) {
        return uniqueInWindow[id];
    }

    /** Adds this subscriber's latencies to {@code audio} and {@code video}. */
    public synchronized void addLatencies(LatencyHistogram audio, LatencyHistogram video) {
        audio.add(audioLatency);
        video.add(videoLatency);
    }

    /**
     * Adds this subscriber's in-window packets' waits in the generator (stamp to hand-over: the pacer's pass and the
     * send queue) to {@code waits}; one per packet whose hand-over {@link SendTimes} knew.
     */
    public synchronized void addSendWaits(LatencyHistogram waits) {
        waits.add(sendWait);
    }

    /** Adds this subscriber's latencies of key frame packets (a subset of the video ones) to {@code keyframes}. */
    public synchronized void addKeyframeLatencies(LatencyHistogram keyframes) {
        keyframes.add(keyframeLatency);
    }
}
