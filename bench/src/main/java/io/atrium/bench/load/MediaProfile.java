package io.atrium.bench.load;

import java.util.List;

/**
 * What each publisher sends. Audio: Opus-like, one packet every 20 ms (50 packets/s) of {@code audioBytes}
 * payload. Video: VP8 at {@code videoBitrate} bits/s and {@code fps}, a key frame every
 * {@code keyframeIntervalMs} (also on PLI/FIR, at most every 500 ms) {@code keyframeFactor} times the size of a
 * delta frame, split into packets of at most {@code maxPayload} bytes (VP8 payload descriptor included). With
 * {@code simulcast} the video goes out as three layers (rids {@link #RIDS}, as a browser names them): f at
 * {@code videoBitrate} and 640x480, h at 30 % and 320x240, q at 10 % and 160x120, each its own SSRC with the mid
 * and rid header extensions.
 */
public record MediaProfile(boolean video, int audioBytes, int videoBitrate, int fps, int keyframeIntervalMs,
                           int keyframeFactor, int maxPayload, boolean simulcast) {
    /** Simulcast rids by layer index: 0 = full, 1 = half, 2 = quarter resolution (as in {@link StreamIds}). */
    public static final List<String> RIDS = List.of("f", "h", "q");
    private static final double[] LAYER_SHARE = {1, 0.3, 0.1};

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
        return new MediaProfile(true, 100, kbps * 1000, 30, 2500, 5, 1100, false);
    }

    /** As {@link #audioVideo} with the video in three simulcast layers, the full one at {@code kbps}. */
    public static MediaProfile simulcast(int kbps) {
        return new MediaProfile(true, 100, kbps * 1000, 30, 2500, 5, 1100, true);
    }

    /** Opus only. */
    public static MediaProfile audioOnly() {
        return new MediaProfile(false, 100, 0, 30, 2500, 5, 1100, false);
    }

    /**
     * Bytes of VP8 data in a delta frame so that the average over a key frame interval meets the bitrate:
     * {@code d * (frames - 1) + factor * d = bitrate / 8 * interval}.
     */
    public int deltaFrameBytes() {
        return deltaFrameBytes(0);
    }

    /** Video layers sent: 3 with simulcast, else 1 (0 without video). */
    public int layers() {
        return !video ? 0 : simulcast ? RIDS.size() : 1;
    }

    /** {@link #deltaFrameBytes()} of simulcast layer {@code layer} (0 = full). */
    public int deltaFrameBytes(int layer) {
        double interval = keyframeIntervalMs / 1000.0;
        double framesPerInterval = fps * interval;
        return (int) Math.max(1, videoBitrate * LAYER_SHARE[layer] / 8.0 * interval
                / (framesPerInterval - 1 + keyframeFactor));
    }

    /** Key frame size of layer {@code layer}: 640x480 halved per layer. */
    public static int width(int layer) {
        return Vp8Packetizer.WIDTH >> layer;
    }

    public static int height(int layer) {
        return Vp8Packetizer.HEIGHT >> layer;
    }

    /** Approximate video packets per second of the full (or only) layer, for sizing. */
    public double videoPacketsPerSecond() {
        return videoPacketsPerSecond(0);
    }

    /** Approximate video packets per second of layer {@code layer}. */
    public double videoPacketsPerSecond(int layer) {
        if (!video) {
            return 0;
        }
        int perPacket = maxPayload - Vp8Packetizer.DESCRIPTOR_LENGTH - Stamp.LENGTH;
        double delta = Math.ceil((double) deltaFrameBytes(layer) / perPacket);
        double key = Math.ceil((double) deltaFrameBytes(layer) * keyframeFactor / perPacket);
        double framesPerInterval = fps * keyframeIntervalMs / 1000.0;
        return ((framesPerInterval - 1) * delta + key) / (keyframeIntervalMs / 1000.0);
    }

    public String describe() {
        return video ? String.format("Opus 50 pps %d B + VP8 %d kbit/s %d fps, key frame every %.1f s%s",
                audioBytes, videoBitrate / 1000, fps, keyframeIntervalMs / 1000.0,
                simulcast ? ", simulcast f/h/q at 100/30/10 % (640x480, 320x240, 160x120); subscriber i receives"
                        + " layer i mod 3" : "")
                : String.format("Opus 50 pps %d B, no video", audioBytes);
    }
}
