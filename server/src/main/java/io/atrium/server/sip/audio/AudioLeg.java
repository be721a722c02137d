package io.atrium.server.sip.audio;

/**
 * One participant of an {@link AudioEngine}: RTP in (jitter buffer, decoded once per frame), RTP out
 * (its own mix-minus, encoded with its own codec state, correct sequence numbers and timestamps), and
 * RFC 4733 DTMF both ways. A SIP phone is a leg; a room will be one more leg whose sink publishes into
 * the room and whose input is the room's decoded audio. {@link #receiveRtp} is called from the network
 * thread, everything else on the engine's thread; nothing is allocated per packet or frame.
 */
public final class AudioLeg {

    /** Where this leg's RTP goes (e.g. a relay socket towards the phone). */
    public interface Sink {
        void send(byte[] packet, int length);

        /** Sends one RTCP packet to the phone (its sender reports); a sink with no RTCP path drops it. */
        default void sendRtcp(byte[] packet, int length) {
        }
    }

    /** Told about each DTMF digit the leg's phone sends. */
    public interface DigitListener {
        void onDigit(AudioLeg leg, char digit);
    }

    static final int HEADER = 12;
    /** Frames a digit sent to the phone lasts, then three end packets (RFC 4733 2.5.1.4). */
    static final int DIGIT_FRAMES = 5;
    /** A sender report goes to the phone every this many frames sent: 5 s, RFC 3550 6.2's minimum interval. */
    static final int REPORT_FRAMES = 250;
    /** Frames before the first sender report (RFC 3550 6.2 allows the first one sooner). */
    static final int FIRST_REPORT_FRAMES = 50;
    /** Seconds from the NTP epoch (1900) to the Unix epoch. */
    private static final long NTP_UNIX_OFFSET = 2_208_988_800L;
    /** Frames of audio between two digits sent to the phone (a pause, as a keypad makes). */
    static final int DIGIT_GAP_FRAMES = 2;
    /** Digits waiting to be sent to the phone; more are dropped. */
    static final int MAX_PENDING_DIGITS = 64;

    /**
     * What the leg's RTP carries: the codec state and the payload types each way (they differ when the
     * phone's peer chose the numbers, e.g. a converted call; RFC 3264 6.1). Replaced whole by a
     * re-INVITE ({@link #format}); read once per packet or frame.
     */
    private record Format(AudioCodec codec, int receivePt, int receiveDtmfPt, int sendPt, int sendDtmfPt) {
    }

    private volatile Format format;
    private final Sink sink;
    private final DigitListener digits;
    private final JitterBuffer jitter = new JitterBuffer(2);
    private final Dtmf dtmf = new Dtmf();
    final short[] in = new short[AudioCodec.FRAME];
    final short[] out = new short[AudioCodec.FRAME];
    private final byte[] payload = new byte[JitterBuffer.MAX_PAYLOAD];
    private final byte[] packet = new byte[HEADER + JitterBuffer.MAX_PAYLOAD];
    private final int ssrc = java.util.concurrent.ThreadLocalRandom.current().nextInt();
    boolean active;
    private int seq = java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000);
    private int timestamp = java.util.concurrent.ThreadLocalRandom.current().nextInt();
    private final java.util.concurrent.ArrayBlockingQueue<Character> pendingDigits =
            new java.util.concurrent.ArrayBlockingQueue<>(MAX_PENDING_DIGITS);
    /** The digit being sent (0: none) and the audio frames since the last one ended. */
    private char digit;
    private int sinceDigit = DIGIT_GAP_FRAMES;
    private int digitFrame;
    private int digitStart;
    private volatile long dropped;
    /** Whether a packet arrived for this frame (not a concealed or empty one). */
    private boolean fresh;
    /** Whether the others hear this leg (false while it waits outside a room, or is muted there). */
    private volatile boolean heard = true;
    /** From the phone's receiver reports: fraction lost (/256), jitter (RTP clock units), how many. */
    private volatile int fractionLost;
    private volatile long reportedJitter;
    private volatile long reports;
    /** The round trip from the phone's last report that echoed a sender report of ours (ms; -1: none yet). */
    private volatile int rttMillis = -1;
    private final byte[] report = new byte[28];
    private int sinceReport = REPORT_FRAMES - FIRST_REPORT_FRAMES;
    private long packetsSent;
    private long octetsSent;
    /** Whether the phone put the call on hold (nothing sent to it). */
    private volatile boolean held;
    /** What the leg hears instead of the mix (a prompt or waiting tone); null: the mix. */
    private volatile Tone tone;
    private Voice voice;

    /**
     * {@code sink} null: the leg only speaks (nothing sent to it). {@code dtmfPayloadType} -1: no
     * telephone events.
     */
    public AudioLeg(AudioCodec codec, int payloadType, int dtmfPayloadType, Sink sink, DigitListener digits) {
        this.format = new Format(codec, payloadType, dtmfPayloadType, payloadType, dtmfPayloadType);
        this.sink = sink;
        this.digits = digits;
    }

    /** An RTP packet from this leg's phone. Malformed packets and unknown payload types are dropped. */
    public void receiveRtp(byte[] buf, int off, int len) {
        if (len < HEADER || (buf[off] & 0xc0) != 0x80) {
            dropped++;
            return;
        }
        int start = off + HEADER + 4 * (buf[off] & 0x0f);
        if ((buf[off] & 0x10) != 0 && start + 4 <= off + len) {
            start += 4 + 4 * (((buf[start + 2] & 0xff) << 8) | (buf[start + 3] & 0xff));
        }
        int end = off + len - ((buf[off] & 0x20) != 0 ? buf[off + len - 1] & 0xff : 0);
        if (start > end) {
            dropped++;
            return;
        }
        int pt = buf[off + 1] & 0x7f;
        int rtpSeq = ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
        Format f = format;
        if (pt == f.receiveDtmfPt) {
            int ts = ((buf[off + 4] & 0xff) << 24) | ((buf[off + 5] & 0xff) << 16) | ((buf[off + 6] & 0xff) << 8) | (buf[off + 7] & 0xff);
            char d = dtmf.receive(buf, start, end - start, ts);
            if (d != 0 && digits != null) {
                digits.onDigit(this, d);
            }
        } else if (pt == f.receivePt) {
            synchronized (jitter) {
                if (!jitter.put(rtpSeq, buf, start, end - start)) {
                    dropped++;
                }
            }
        } else {
            dropped++;
        }
    }

    /**
     * The phone and Atrium agreed on new media (a re-INVITE, or a call moved into a room): {@code codec}
     * (the same state object when the codec did not change), the payload types the phone sends
     * ({@code receivePt}, {@code receiveDtmfPt}) and expects ({@code sendPt}, {@code sendDtmfPt}); -1: no
     * telephone events. Packets of the old types still arriving are dropped. Any thread.
     */
    public void format(AudioCodec codec, int receivePt, int receiveDtmfPt, int sendPt, int sendDtmfPt) {
        format = new Format(codec, receivePt, receiveDtmfPt, sendPt, sendDtmfPt);
    }

    /** The codec state in use (to keep it across a re-INVITE that keeps the codec). */
    public AudioCodec codec() {
        return format.codec;
    }

    /** On hold: nothing is sent to the phone (RFC 3264 8.4: it offered sendonly or inactive). Any thread. */
    public void held(boolean held) {
        this.held = held;
    }

    /**
     * An RTCP packet (compound) from this leg's phone: the report block about the stream Atrium sends it
     * (RFC 3550 6.4: in an SR or RR, matched by this leg's SSRC) gives its fraction lost and jitter.
     * Anything else is ignored. Network thread.
     */
    public void receiveRtcp(byte[] buf, int off, int len) {
        int end = off + len;
        for (int p = off; p + 8 <= end; ) {
            int count = buf[p] & 0x1f;
            int type = buf[p + 1] & 0xff;
            int next = p + 4 * ((((buf[p + 2] & 0xff) << 8) | (buf[p + 3] & 0xff)) + 1);
            if ((buf[p] & 0xc0) != 0x80 || next > end) {
                return;
            }
            int block = type == 200 ? p + 28 : type == 201 ? p + 8 : next;
            for (int i = 0; i < count && block + 24 <= next; i++, block += 24) {
                if (int32(buf, block) == ssrc) {
                    fractionLost = buf[block + 4] & 0xff;
                    reportedJitter = int32(buf, block + 12) & 0xffffffffL;
                    roundTrip(int32(buf, block + 16) & 0xffffffffL, int32(buf, block + 20) & 0xffffffffL);
                    reports++;
                }
            }
            p = next;
        }
    }

    /**
     * RFC 3550 6.4.1: the round trip is the arrival time less LSR (the middle 32 bits of the NTP time of
     * the sender report the phone last received) less DLSR (its delay since then), in 1/65536 s. A
     * report echoing no sender report (LSR 0) or giving a time in the future says nothing.
     */
    private void roundTrip(long lsr, long dlsr) {
        if (lsr == 0) {
            return;
        }
        long rtt = (ntpMiddle(System.currentTimeMillis()) - lsr - dlsr) & 0xffffffffL;
        if (rtt < 60 * 65536L) {
            rttMillis = (int) (rtt * 1000 / 65536);
        }
    }

    /** The middle 32 bits of the 64-bit NTP time of {@code unixMillis}: 16 bits of seconds, 16 of fraction. */
    static long ntpMiddle(long unixMillis) {
        long seconds = unixMillis / 1000 + NTP_UNIX_OFFSET;
        long fraction = (unixMillis % 1000) * 65536 / 1000;
        return ((seconds & 0xffff) << 16) | fraction;
    }

    /** The phone's last round trip (ms), or -1 before a report echoed one of Atrium's sender reports. */
    public int rttMillis() {
        return rttMillis;
    }

    /** RFC 3550 6.4.1: a sender report of the stream Atrium sends the phone (no report blocks). */
    private void sendReport() {
        long now = System.currentTimeMillis();
        put32(report, 0, 0x80c80006); // V=2, no blocks, SR, length 6 words - 1
        put32(report, 4, ssrc);
        put32(report, 8, (int) (now / 1000 + NTP_UNIX_OFFSET));
        put32(report, 12, (int) (((now % 1000) << 32) / 1000));
        put32(report, 16, timestamp);
        put32(report, 20, (int) packetsSent);
        put32(report, 24, (int) octetsSent);
        sink.sendRtcp(report, report.length);
    }

    private static void put32(byte[] b, int i, int v) {
        b[i] = (byte) (v >> 24);
        b[i + 1] = (byte) (v >> 16);
        b[i + 2] = (byte) (v >> 8);
        b[i + 3] = (byte) v;
    }

    private static int int32(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    /** Receiver reports the phone sent about Atrium's stream so far. */
    public long reports() {
        return reports;
    }

    /** The phone's last reported fraction of Atrium's packets lost (0..1). */
    public double loss() {
        return fractionLost / 256.0;
    }

    /** The phone's last reported interarrival jitter of Atrium's stream, in ms (the codec's RTP clock). */
    public double jitterMillis() {
        return reportedJitter * 1000.0 / (format.codec.timestampStep() * 50.0);
    }

    /**
     * Sends {@code digits} to the phone as RFC 4733 events in place of audio, one after the other with a
     * short pause between them; false when too many are already waiting (the rest is dropped). Any thread.
     */
    public boolean sendDigits(CharSequence digits) {
        for (int i = 0; i < digits.length(); i++) {
            if (!pendingDigits.offer(digits.charAt(i))) { // ASCII Characters are cached: no allocation
                return false;
            }
        }
        return true;
    }

    /** Whether the other legs hear this one. Any thread. */
    public void heard(boolean heard) {
        this.heard = heard;
    }

    /** Plays {@code tone} to this leg's phone instead of the mix; null: the mix again. Any thread. */
    public void tone(Tone tone) {
        this.tone = tone;
    }

    /**
     * Also sends this leg's own voice, re-encoded with {@code codec}, to {@code sink} (e.g. a room, as its
     * track): one RTP packet per frame in which a packet arrived, with an RFC 6464 audio level in header
     * extension {@code audioLevelExt}; a frame of digital silence goes out as a constant Opus silence
     * frame without running the encoder. Set before the leg is added to an engine.
     */
    public void voice(AudioCodec codec, int payloadType, int audioLevelExt, Sink sink) {
        this.voice = new Voice(codec, payloadType, audioLevelExt, sink);
    }

    /** The RTP SSRC of {@link #voice}'s packets. */
    public int voiceSsrc() {
        return voice == null ? 0 : voice.ssrc;
    }

    /** Packets dropped: malformed, late, duplicate or of an unknown payload type. */
    public long dropped() {
        return dropped;
    }

    /** Takes this frame's input from the jitter buffer and decodes it (once). */
    void decode() {
        int n;
        synchronized (jitter) {
            n = jitter.take(payload);
        }
        active = n >= 0;
        fresh = n > 0;
        if (active) {
            format.codec.decode(payload, 0, n, in);
        }
        if (voice != null) {
            if (fresh) {
                voice.send(in);
            } else {
                voice.idle();
            }
        }
    }

    /** Whether the mix includes this leg this frame. */
    boolean contributes() {
        return active && heard;
    }

    /** Fills {@link #out} with the tone, if one plays; false: the caller mixes. */
    boolean playTone() {
        Tone t = tone;
        if (t == null) {
            return false;
        }
        t.fill(out);
        return true;
    }

    /** The leg's voice re-encoded as a stream of its own (see {@link AudioLeg#voice}). Engine thread. */
    private static final class Voice {
        private final AudioCodec codec;
        private final int payloadType;
        private final int extension;
        private final Sink sink;
        private final byte[] packet = new byte[HEADER + 8 + JitterBuffer.MAX_PAYLOAD];
        private final int ssrc = java.util.concurrent.ThreadLocalRandom.current().nextInt();
        private int seq = java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000);
        private int timestamp = java.util.concurrent.ThreadLocalRandom.current().nextInt();

        /**
         * After this many frames without a packet from the phone (silence suppression, hold, a dead phone),
         * its voice stream says silence for {@link #FADE_FRAMES} frames, so the room's smoothed level falls
         * and the phone stops being the speaker; then it sends nothing, as the phone does.
         */
        static final int IDLE_FRAMES = 10;
        static final int FADE_FRAMES = 25;
        private static final short[] ZEROS = new short[AudioCodec.FRAME];
        private int idleFrames = IDLE_FRAMES + FADE_FRAMES; // nothing to fade before the first packet
        /** Below -{@value} dBov a frame is digital silence (an idle or muted phone). */
        static final int SILENT_LEVEL = 96;
        /** A 20 ms Opus frame that decodes to silence (CELT, as WebRTC sends for DTX), for an Opus voice. */
        private static final byte[] OPUS_SILENCE = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};
        private final byte[] silence;

        Voice(AudioCodec codec, int payloadType, int extension, Sink sink) {
            this.silence = codec instanceof OpusCodec ? OPUS_SILENCE : null;
            this.codec = codec;
            this.payloadType = payloadType;
            this.extension = extension;
            this.sink = sink;
        }

        /** A frame without a packet from the phone. */
        void idle() {
            idleFrames++;
            if (idleFrames > IDLE_FRAMES && idleFrames <= IDLE_FRAMES + FADE_FRAMES) {
                packet(ZEROS);
            }
        }

        void send(short[] pcm) {
            idleFrames = 0;
            packet(pcm);
        }

        private void packet(short[] pcm) {
            int level = level(pcm);
            packet[0] = (byte) 0x90; // version 2, one header extension
            packet[1] = (byte) payloadType;
            packet[2] = (byte) (seq >> 8);
            packet[3] = (byte) seq;
            packet[4] = (byte) (timestamp >> 24);
            packet[5] = (byte) (timestamp >> 16);
            packet[6] = (byte) (timestamp >> 8);
            packet[7] = (byte) timestamp;
            packet[8] = (byte) (ssrc >> 24);
            packet[9] = (byte) (ssrc >> 16);
            packet[10] = (byte) (ssrc >> 8);
            packet[11] = (byte) ssrc;
            // RFC 8285 one-byte form, one element (RFC 6464 audio level), padded to a word
            packet[12] = (byte) 0xBE;
            packet[13] = (byte) 0xDE;
            packet[14] = 0;
            packet[15] = 1;
            packet[16] = (byte) (extension << 4);
            packet[17] = (byte) ((level < 127 ? 0x80 : 0) | level);
            packet[18] = 0;
            packet[19] = 0;
            int len;
            if (level >= SILENT_LEVEL && silence != null) { // digital silence: no need to run the encoder
                System.arraycopy(silence, 0, packet, HEADER + 8, silence.length);
                len = silence.length;
            } else {
                len = codec.encode(pcm, packet, HEADER + 8);
            }
            seq = (seq + 1) & 0xffff;
            timestamp += codec.timestampStep();
            if (len > 0) {
                sink.send(packet, HEADER + 8 + len);
            }
        }

        /** RFC 6464 level of a frame: -dBov of its RMS, 0 (loudest) to 127 (silence). */
        static int level(short[] pcm) {
            double sum = 0;
            for (short v : pcm) {
                sum += (double) v * v;
            }
            double rms = Math.sqrt(sum / pcm.length) / 32768.0;
            return rms <= 0 ? 127 : (int) Math.max(0, Math.min(127, Math.round(-20 * Math.log10(rms))));
        }
    }

    boolean sends() {
        return sink != null && !held;
    }

    /** Encodes {@link #out} (or the pending digit) and sends it as one RTP packet. */
    void send() {
        if (digit == 0 && sinceDigit >= DIGIT_GAP_FRAMES) {
            Character next = pendingDigits.poll();
            if (next != null) {
                digit = next;
                digitFrame = 0;
                digitStart = timestamp;
            }
        }
        int len;
        int pt;
        boolean marker = false;
        int ts = timestamp;
        Format f = format;
        AudioCodec codec = f.codec;
        if (digit != 0 && f.sendDtmfPt >= 0) {
            boolean endPacket = digitFrame >= DIGIT_FRAMES;
            Dtmf.write(digit, endPacket, Math.min(digitFrame + 1, DIGIT_FRAMES) * codec.timestampStep(), packet, HEADER);
            len = 4;
            pt = f.sendDtmfPt;
            marker = digitFrame == 0;
            ts = digitStart;
            if (++digitFrame == DIGIT_FRAMES + 3) {
                digit = 0;
                sinceDigit = 0;
            }
        } else {
            digit = 0;
            sinceDigit++;
            len = codec.encode(out, packet, HEADER);
            pt = f.sendPt;
        }
        packet[0] = (byte) 0x80;
        packet[1] = (byte) ((marker ? 0x80 : 0) | pt);
        packet[2] = (byte) (seq >> 8);
        packet[3] = (byte) seq;
        put32(packet, 4, ts);
        put32(packet, 8, ssrc);
        seq = (seq + 1) & 0xffff;
        timestamp += codec.timestampStep();
        sink.send(packet, HEADER + len);
        packetsSent++;
        octetsSent += len;
        if (++sinceReport >= REPORT_FRAMES) {
            sinceReport = 0;
            sendReport();
        }
    }
}
