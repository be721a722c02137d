package io.atrium.bench.load;

/**
 * What each publisher sends. Audio: Opus-like, one packet every 20 ms (50 packets/s) of {@code audioBytes}
 * payload. Video: VP8 at {@code videoBitrate} bits/s and {@code fps}, a key frame every
 * {@code keyframeIntervalMs} (also on PLI/FIR, at most every 500 ms) {@code keyframeFactor} times the size of a
 * delta frame, split into packets of at most {@code maxPayload} bytes (VP8 payload descriptor included).
 */
public record MediaProfile(boolean video, int audioBytes, int videoBitrate, int fps, int keyframeIntervalMs,
                           int keyframeFactor, int maxPayload) {

    public static final int AUDIO_PACKET_MS = 20;
    /** Shortest time between key frames sent on request (Chrome's encoder has a similar floor). */
    public static final long MIN_REQUESTED_KEYFRAME_GAP_NANOS = 500_000_000L;

    public MediaProfile {
        if (audioBytes < Stamp.LENGTH + 1 || maxPayload < Vp8Packetizer.DESCRIPTOR_LENGTH
                + Vp8Packetizer.KEYFRAME_HEADER_LENGTH + Stamp.LENGTH + 1 || maxPayload > 1200) {
            throw new IllegalArgumentException("audioBytes or maxPayload too small, or maxPayload above 1200");
        }
        if (video && (videoBitrate < 10_000 || fps < 1 || fps > 60 || keyframeIntervalMs < 100 || keyframeFactor < 1)) {
            throw new IllegalArgumentException("video: bitrate >= 10 kbit/s, 1-60 fps, key frame interval >= 100 ms");
        }
    }

    /** Opus 100-byte packets and VP8 at {@code kbps}, 30 fps, key frame every 2.5 s at 5x a delta frame. */
    public static MediaProfile audioVideo(int kbps) {
        return new MediaProfile(true, 100, kbps * 1000, 30, 2500, 5, 1100);
    }

    /** Opus only. */
    public static MediaProfile audioOnly() {
        return new MediaProfile(false, 100, 0, 30, 2500, 5, 1100);
    }

    /**
     * Bytes of VP8 data in a delta frame so that the average over a key frame interval meets the bitrate:
     * {@code d * (frames - 1) + factor * d = bitrate / 8 * interval}.
     */
    public int deltaFrameBytes() {
        double interval = keyframeIntervalMs / 1000.0;
        double framesPerInterval = fps * interval;
        return (int) Math.max(1, videoBitrate / 8.0 * interval / (framesPerInterval - 1 + keyframeFactor));
    }

    /** Approximate video packets per second, for sizing. */
    public double videoPacketsPerSecond() {
        if (!video) {
            return 0;
        }
        int perPacket = maxPayload - Vp8Packetizer.DESCRIPTOR_LENGTH - Stamp.LENGTH;
        double delta = Math.ceil((double) deltaFrameBytes() / perPacket);
        double key = Math.ceil((double) deltaFrameBytes() * keyframeFactor / perPacket);
        double framesPerInterval = fps * keyframeIntervalMs / 1000.0;
        return ((framesPerInterval - 1) * delta + key) / (keyframeIntervalMs / 1000.0);
    }

    public String describe() {
        return video ? String.format("Opus 50 pps %d B + VP8 %d kbit/s %d fps, key frame every %.1f s",
                audioBytes, videoBitrate / 1000, fps, keyframeIntervalMs / 1000.0)
                : String.format("Opus 50 pps %d B, no video", audioBytes);
    }
}
