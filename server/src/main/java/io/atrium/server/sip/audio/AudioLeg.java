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
    }

    /** Told about each DTMF digit the leg's phone sends. */
    public interface DigitListener {
        void onDigit(AudioLeg leg, char digit);
    }

    static final int HEADER = 12;
    /** Frames a digit sent to the phone lasts, then three end packets (RFC 4733 2.5.1.4). */
    static final int DIGIT_FRAMES = 5;

    private final AudioCodec codec;
    private final int payloadType;
    private final int dtmfPayloadType;
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
    private volatile char pendingDigit;
    private char digit;
    private int digitFrame;
    private int digitStart;
    private volatile long dropped;

    /**
     * {@code sink} null: the leg only speaks (nothing sent to it). {@code dtmfPayloadType} -1: no
     * telephone events.
     */
    public AudioLeg(AudioCodec codec, int payloadType, int dtmfPayloadType, Sink sink, DigitListener digits) {
        this.codec = codec;
        this.payloadType = payloadType;
        this.dtmfPayloadType = dtmfPayloadType;
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
        if (pt == dtmfPayloadType) {
            int ts = ((buf[off + 4] & 0xff) << 24) | ((buf[off + 5] & 0xff) << 16) | ((buf[off + 6] & 0xff) << 8) | (buf[off + 7] & 0xff);
            char d = dtmf.receive(buf, start, end - start, ts);
            if (d != 0 && digits != null) {
                digits.onDigit(this, d);
            }
        } else if (pt == payloadType) {
            synchronized (jitter) {
                if (!jitter.put(rtpSeq, buf, start, end - start)) {
                    dropped++;
                }
            }
        } else {
            dropped++;
        }
    }

    /** Sends {@code digit} to the phone as RFC 4733 events in place of audio for the next frames. */
    public void sendDigit(char digit) {
        pendingDigit = digit;
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
        if (active) {
            codec.decode(payload, 0, n, in);
        }
    }

    boolean sends() {
        return sink != null;
    }

    /** Encodes {@link #out} (or the pending digit) and sends it as one RTP packet. */
    void send() {
        if (digit == 0 && pendingDigit != 0) {
            digit = pendingDigit;
            pendingDigit = 0;
            digitFrame = 0;
            digitStart = timestamp;
        }
        int len;
        int pt;
        boolean marker = false;
        int ts = timestamp;
        if (digit != 0 && dtmfPayloadType >= 0) {
            boolean endPacket = digitFrame >= DIGIT_FRAMES;
            Dtmf.write(digit, endPacket, Math.min(digitFrame + 1, DIGIT_FRAMES) * codec.timestampStep(), packet, HEADER);
            len = 4;
            pt = dtmfPayloadType;
            marker = digitFrame == 0;
            ts = digitStart;
            if (++digitFrame == DIGIT_FRAMES + 3) {
                digit = 0;
            }
        } else {
            digit = 0;
            len = codec.encode(out, packet, HEADER);
            pt = payloadType;
        }
        packet[0] = (byte) 0x80;
        packet[1] = (byte) ((marker ? 0x80 : 0) | pt);
        packet[2] = (byte) (seq >> 8);
        packet[3] = (byte) seq;
        packet[4] = (byte) (ts >> 24);
        packet[5] = (byte) (ts >> 16);
        packet[6] = (byte) (ts >> 8);
        packet[7] = (byte) ts;
        packet[8] = (byte) (ssrc >> 24);
        packet[9] = (byte) (ssrc >> 16);
        packet[10] = (byte) (ssrc >> 8);
        packet[11] = (byte) ssrc;
        seq = (seq + 1) & 0xffff;
        timestamp += codec.timestampStep();
        sink.send(packet, HEADER + len);
    }
}
