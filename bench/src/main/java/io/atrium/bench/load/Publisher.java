package io.atrium.bench.load;

import io.atrium.webrtc.peer.ClientPeer;
import io.atrium.webrtc.peer.MediaListener;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One publishing peer: Opus-like audio every 20 ms and, with video, VP8 frames at the profile's frame rate,
 * each packet {@link Stamp}ed; with simulcast, each frame in every layer (key frames in all layers at once).
 * Sending is driven by the {@link Pacer} thread; the peer's receive thread counts
 * the RTCP feedback (PLI/FIR turn the next frame into a key frame, NACKs are counted, not answered).
 */
public final class Publisher implements MediaListener {
    public static final int OPUS_PT = 111;
    public static final int VP8_PT = 96;
    /** RFC 8285 ids of the sdes:mid and sdes:rtp-stream-id extensions on simulcast video. */
    public static final int MID_EXT = 1;
    public static final int RID_EXT = 2;
    /** The video m-line's mid in the publisher's offer. */
    public static final String VIDEO_MID = "1";
    private static final long AUDIO_INTERVAL = MediaProfile.AUDIO_PACKET_MS * 1_000_000L;

    private final int index;
    private final MediaProfile profile;
    private final RtpStream audio;
    /** Video streams by layer (one without simulcast). */
    private final RtpStream[] video;
    private final Vp8Packetizer[] vp8;
    private final byte[] buf = new byte[ClientPeer.MAX_DATAGRAM_LENGTH];
    private final Vp8Packetizer.Sink sink = this::send;
    private final long frameInterval;
    private ClientPeer peer;
    private volatile Window window = Window.NEVER;
    private volatile boolean keyframeRequested;
    private volatile long pliReceived;
    private volatile long nackReceived;
    private long nextAudio;
    private long nextFrame;
    private long lastKeyframe;
    private long keyframes;
    private long sendFailures;

    public Publisher(int index, MediaProfile profile) {
        this.index = index;
        this.profile = profile;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        this.audio = new RtpStream(audioSsrc(index), OPUS_PT, StreamIds.audio(index), r.nextInt(), r.nextInt(), 0, null);
        int layers = Math.max(1, profile.layers());
        this.video = new RtpStream[layers];
        this.vp8 = new Vp8Packetizer[layers];
        for (int l = 0; l < layers; l++) {
            video[l] = profile.simulcast()
                    ? new RtpStream(videoSsrc(index) + (l << 20), VP8_PT, StreamIds.video(index, l), r.nextInt(),
                            r.nextInt(), MID_EXT, VIDEO_MID, RID_EXT, MediaProfile.RIDS.get(l))
                    : new RtpStream(videoSsrc(index), VP8_PT, StreamIds.video(index, 0), r.nextInt(), r.nextInt(), 0,
                            null);
            vp8[l] = new Vp8Packetizer(MediaProfile.width(l), MediaProfile.height(l));
        }
        this.frameInterval = 1_000_000_000L / profile.fps();
    }

    public static int audioSsrc(int index) {
        return 0x10000000 + index;
    }

    public static int videoSsrc(int index) {
        return 0x20000000 + index;
    }

    /** Binds the connected peer and starts the schedule at {@code now} plus a random phase within one frame. */
    public void start(ClientPeer connected, long now) {
        this.peer = connected;
        long phase = ThreadLocalRandom.current().nextLong(AUDIO_INTERVAL);
        nextAudio = now + phase;
        nextFrame = now + phase / 2;
        lastKeyframe = Long.MIN_VALUE / 2;
        keyframeRequested = true;
    }

    /**
     * Counts what is sent in {@code w} from now on, from zero: a window follows the last one only once that one has
     * ended (nothing is counted in between, so the pacer thread sees the counters zeroed by this volatile write).
     */
    public void window(Window w) {
        audio.resetWindow();
        for (RtpStream v : video) {
            v.resetWindow();
        }
        window = w;
    }

    /** Sends everything due at {@code now}; returns the earliest next due time. Pacer thread only. */
    public long sendDue(long now, LatencyHistogram lateness) {
        if (peer == null) {
            return now + AUDIO_INTERVAL;
        }
        Window w = window;
        boolean measure = w.contains(now);
        while (nextAudio - now <= 0) {
            if (measure) {
                lateness.record(now - nextAudio);
            }
            int off = audio.begin(buf, false);
            buf[off] = (byte) 0x78; // Opus TOC: SILK/CELT hybrid-like config, one frame
            int len = audio.finish(buf, off, off + 1, off + profile.audioBytes(), now, w);
            send(buf, len);
            audio.advance(960);
            nextAudio += AUDIO_INTERVAL;
        }
        if (!profile.video()) {
            return nextAudio;
        }
        while (nextFrame - now <= 0) {
            if (measure) {
                lateness.record(now - nextFrame);
            }
            boolean key = now - lastKeyframe >= profile.keyframeIntervalMs() * 1_000_000L
                    || keyframeRequested && now - lastKeyframe >= MediaProfile.MIN_REQUESTED_KEYFRAME_GAP_NANOS;
            if (key) {
                keyframeRequested = false;
                lastKeyframe = now;
                keyframes++;
            }
            for (int l = 0; l < video.length; l++) {
                int delta = profile.deltaFrameBytes(l);
                vp8[l].frame(video[l], key, key ? delta * profile.keyframeFactor() : delta, profile.maxPayload(),
                        90_000 / profile.fps(), buf, now, w, sink);
            }
            nextFrame += frameInterval;
        }
        return Math.min(nextAudio, nextFrame);
    }

    private void send(byte[] b, int len) {
        PeerIo.tagNextSend(Stamp.tag(b, len)); // what SendTimes records when the packet leaves
        try {
            if (!peer.sendRtp(b, 0, len)) {
                sendFailures++;
            }
        } finally {
            PeerIo.tagNextSend(-1);
        }
    }

    @Override
    public void onRtp(byte[] b, int off, int len) {
        // publishers receive no media
    }

    @Override
    public void onRtcp(byte[] b, int off, int len) {
        int end = off + len;
        int p = off;
        while (p + 4 <= end) {
            int fmt = b[p] & 0x1F;
            int pt = b[p + 1] & 0xFF;
            int words = (b[p + 2] & 0xFF) << 8 | b[p + 3] & 0xFF;
            if (pt == 206 && (fmt == 1 || fmt == 4)) { // PSFB PLI / FIR
                pliReceived++;
                keyframeRequested = true;
            } else if (pt == 205 && fmt == 1) {        // RTPFB generic NACK
                nackReceived++;
            }
            p += (words + 1) * 4;
        }
    }

    public int index() {
        return index;
    }

    public RtpStream audio() {
        return audio;
    }

    /** The full (or only) video layer. */
    public RtpStream video() {
        return video[0];
    }

    /** Video layer {@code layer}'s stream. */
    public RtpStream video(int layer) {
        return video[layer];
    }

    public MediaProfile profile() {
        return profile;
    }

    /** Packets stamped inside the window for a subscriber of the audio and video layer {@code layer} (-1: none). */
    public long sentInWindow(int layer) {
        return audio.sentInWindow() + (layer < 0 ? 0 : video[layer].sentInWindow());
    }

    public long keyframes() {
        return keyframes;
    }

    public long pliReceived() {
        return pliReceived;
    }

    public long nackReceived() {
        return nackReceived;
    }

    public long sendFailures() {
        return sendFailures;
    }

    public ClientPeer peer() {
        return peer;
    }
}
