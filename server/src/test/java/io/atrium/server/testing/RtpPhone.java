package io.atrium.server.testing;

import io.atrium.server.sip.audio.G711;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;

/**
 * The media side of a test phone: one UDP socket that sends a G.711 tone as RTP (PCMU, or PCMA after
 * {@link #payloadTypes}; 20 ms packets) and receives RTP, decoding it, so a test checks audio by content
 * with {@link Goertzel}.
 */
public final class RtpPhone implements AutoCloseable {

    public static final int RATE = 8000;
    private static final int SAMPLES = 160;
    /**
     * The bound of a tone's loop. Not a packet count: a test slowed down by a loaded machine outlived the 3,000 packets
     * (a minute) its phone once sent, and the room then dropped the phone as silent (5 s media timeout in PhoneRooms).
     */
    private static final java.time.Duration SENDS_AT_MOST = java.time.Duration.ofMinutes(10);

    private final DatagramSocket socket;
    private volatile boolean sending;
    private Thread sender;
    /** Digits still to send as RFC 4733 events (payload type {@value #DTMF_PT}) in place of tone frames. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Character> digits = new java.util.concurrent.ConcurrentLinkedQueue<>();
    public static final int DTMF_PT = 101;
    /** The payload types it sends and decodes now: 0 (μ-law) or 8 (A-law), and telephone-event (a re-INVITE changes them). */
    private volatile int audioPt = 0;
    private volatile int dtmfPt = DTMF_PT;
    /** The SSRC of the last audio packet received (the stream its receiver reports are about). */
    private volatile int heardSsrc;
    /** The SSRC of every RTP packet and the sender SSRC of every RTCP packet {@link #receive} read. */
    private final java.util.Set<Integer> heardSsrcs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** While true nothing is sent (a phone holding the call with {@code a=inactive}). */
    private volatile boolean quiet;
    private volatile double frequency;
    /** {@link System#nanoTime()} when the first packet of the current {@link #tone} went out. */
    private volatile long toneSentNanos;

    public RtpPhone() {
        try {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** From now on: audio as payload type {@code audio} (0 μ-law, 8 A-law) and DTMF as {@code dtmf}, both ways. */
    public void payloadTypes(int audio, int dtmf) {
        if (audio != 0 && audio != 8) {
            throw new IllegalArgumentException("G.711 only: " + audio);
        }
        audioPt = audio;
        dtmfPt = dtmf;
    }

    /** The tone's frequency from now on; 0: digital silence (the stream goes on). */
    public void tone(double frequency) {
        this.frequency = frequency;
    }

    /** {@link System#nanoTime()} when the first packet of the current tone (or silence) was sent. */
    public long toneSentNanos() {
        return toneSentNanos;
    }

    /** Stops ({@code true}) or resumes sending. */
    public void quiet(boolean quiet) {
        this.quiet = quiet;
    }

    /** Starts sending a {@code frequency} Hz tone to {@code port} on 127.0.0.1 until {@link #close()}. */
    public void sendTone(double frequency, int port) {
        this.frequency = frequency;
        sending = true;
        sender = new Thread(() -> {
            byte[] packet = new byte[12 + SAMPLES];
            int ssrc = (int) (Math.random() * Integer.MAX_VALUE);
            long t = 0;
            double sent = Double.NaN;
            long until = System.nanoTime() + SENDS_AT_MOST.toNanos();
            for (int seq = 0; sending && System.nanoTime() < until; seq++) {
                int pt = audioPt;
                packet[0] = (byte) 0x80;
                packet[1] = (byte) pt;
                packet[2] = (byte) (seq >> 8);
                packet[3] = (byte) seq;
                int ts = (int) t;
                packet[4] = (byte) (ts >> 24);
                packet[5] = (byte) (ts >> 16);
                packet[6] = (byte) (ts >> 8);
                packet[7] = (byte) ts;
                packet[8] = (byte) (ssrc >> 24);
                packet[9] = (byte) (ssrc >> 16);
                packet[10] = (byte) (ssrc >> 8);
                packet[11] = (byte) ssrc;
                Character digit = digits.poll();
                if (digit != null) {
                    seq = sendDigit(digit, seq, ssrc, (int) t, port) - 1;
                    t += 8 * SAMPLES;
                    continue;
                }
                double f = RtpPhone.this.frequency; // not the parameter: tone() changes it
                for (int i = 0; i < SAMPLES; i++, t++) {
                    short v = (short) (8000 * Math.sin(2 * Math.PI * f * t / RATE));
                    packet[12 + i] = pt == 8 ? G711.encodeAlaw(v) : G711.encodeUlaw(v);
                }
                try {
                    if (!quiet) {
                        socket.send(new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), port));
                        if (f != sent) {
                            sent = f;
                            toneSentNanos = System.nanoTime();
                        }
                    }
                    Thread.sleep(20);
                } catch (IOException e) {
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rtp-phone-" + port());
        sender.setDaemon(true);
        sender.start();
    }

    /** Sends {@code keys} (0-9, *, #) as RFC 4733 events in the tone stream, one after the other. */
    public void sendDigits(String keys) {
        for (char c : keys.toCharArray()) {
            digits.add(c);
        }
    }

    /** One digit: 5 event packets 20 ms apart (the first with the marker), then 3 end packets; returns the next seq. */
    private int sendDigit(char digit, int seq, int ssrc, int timestamp, int port) {
        int event = digit == '*' ? 10 : digit == '#' ? 11 : digit - '0';
        byte[] p = new byte[16];
        for (int i = 0; i < 8; i++, seq++) {
            boolean end = i >= 5;
            int duration = Math.min(i + 1, 5) * SAMPLES;
            p[0] = (byte) 0x80;
            p[1] = (byte) ((i == 0 ? 0x80 : 0) | dtmfPt);
            p[2] = (byte) (seq >> 8);
            p[3] = (byte) seq;
            p[4] = (byte) (timestamp >> 24);
            p[5] = (byte) (timestamp >> 16);
            p[6] = (byte) (timestamp >> 8);
            p[7] = (byte) timestamp;
            p[8] = (byte) (ssrc >> 24);
            p[9] = (byte) (ssrc >> 16);
            p[10] = (byte) (ssrc >> 8);
            p[11] = (byte) ssrc;
            p[12] = (byte) event;
            p[13] = (byte) ((end ? 0x80 : 0) | 10);
            p[14] = (byte) (duration >> 8);
            p[15] = (byte) duration;
            try {
                socket.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), port));
                Thread.sleep(20);
            } catch (IOException | InterruptedException e) {
                return seq;
            }
        }
        return seq;
    }

    /** Receives RTP until {@code samples} G.711 samples of the agreed type arrived (or {@code timeout}), decoded to PCM. */
    public short[] receive(int samples, Duration timeout) {
        short[] pcm = new short[samples];
        short[] frame = new short[2048];
        int n = 0;
        byte[] buf = new byte[2048];
        Instant deadline = Instant.now().plus(timeout);
        try {
            while (n < samples && Instant.now().isBefore(deadline)) {
                socket.setSoTimeout(200);
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                int pt = audioPt;
                int type = buf[1] & 0xff;
                int ssrcAt = type >= 200 && type <= 207 ? 4 : 8;
                if (p.getLength() >= ssrcAt + 4 && (buf[0] & 0xc0) == 0x80) {
                    heardSsrcs.add(ByteBuffer.wrap(buf, ssrcAt, 4).getInt());
                }
                if (p.getLength() <= 12 || (buf[0] & 0xc0) != 0x80 || (buf[1] & 0x7f) != pt) {
                    continue; // not audio RTP of the agreed type (e.g. RTCP)
                }
                heardSsrc = ((buf[8] & 0xff) << 24) | ((buf[9] & 0xff) << 16) | ((buf[10] & 0xff) << 8) | (buf[11] & 0xff);
                int len = Math.min(p.getLength() - 12, samples - n);
                G711.decode(pt == 0, buf, 12, len, frame);
                System.arraycopy(frame, 0, pcm, n, len);
                n += len;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return java.util.Arrays.copyOf(pcm, n);
    }

    /** The SSRCs of the RTP and RTCP packets {@link #receive} read so far (RTCP: the sender's). */
    public java.util.Set<Integer> heardSsrcs() {
        return java.util.Set.copyOf(heardSsrcs);
    }

    /**
     * Receives RTP until {@code count} RFC 4733 digits of the agreed telephone-event type ended (or
     * {@code timeout}); each event counts once (its end packet repeats with the same timestamp).
     */
    public String receiveDigits(int count, Duration timeout) {
        StringBuilder digits = new StringBuilder();
        byte[] buf = new byte[2048];
        long lastEnd = -1;
        Instant deadline = Instant.now().plus(timeout);
        try {
            socket.setSoTimeout(200);
            while (digits.length() < count && Instant.now().isBefore(deadline)) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (p.getLength() < 16 || (buf[0] & 0xc0) != 0x80 || (buf[1] & 0x7f) != dtmfPt || (buf[13] & 0x80) == 0) {
                    continue; // not the end of an event
                }
                long ts = ByteBuffer.wrap(buf, 4, 4).getInt() & 0xffffffffL;
                if (ts != lastEnd) {
                    lastEnd = ts;
                    digits.append("0123456789*#ABCD".charAt(buf[12] & 0x0f));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digits.toString();
    }

    /**
     * Sends an RTCP receiver report (RFC 3550 6.4.2) about the stream last received ({@link #receive}
     * first) to 127.0.0.1:{@code port}: {@code fractionLost} in 256ths, {@code jitter} in RTP clock units,
     * echoing no sender report.
     */
    public void sendReceiverReport(int port, int fractionLost, int jitter) {
        sendReceiverReport(port, fractionLost, jitter, 0, 0);
    }

    /** The same, echoing a sender report: {@code lsr} its middle NTP bits, {@code dlsr} the delay since, in 1/65536 s. */
    public void sendReceiverReport(int port, int fractionLost, int jitter, long lsr, long dlsr) {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.put((byte) 0x81).put((byte) 201).putShort((short) 7).putInt(0x5eed) // V=2, one block; our SSRC
                .putInt(heardSsrc).put((byte) fractionLost).put((byte) 0).putShort((short) 0) // cumulative lost: 0
                .putInt(0).putInt(jitter).putInt((int) lsr).putInt((int) dlsr); // highest sequence, jitter, LSR, DLSR
        try {
            socket.send(new DatagramPacket(b.array(), 32, InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sender report received: its middle NTP bits (what a receiver report echoes as LSR) and when it arrived. */
    public record SenderReport(long lsr, long arrivedNanos) {
    }

    /**
     * Waits for the next sender report about the stream last received (Atrium sends them to the address
     * the phone's RTCP came from, this socket); empty after {@code timeout}. What was queued before is
     * dropped first, so the report's arrival time is when it really arrived, not when it was read.
     */
    public java.util.Optional<SenderReport> awaitSenderReport(Duration timeout) {
        byte[] buf = new byte[2048];
        Instant deadline = Instant.now().plus(timeout);
        try {
            socket.setSoTimeout(1);
            for (int queued = 0; queued < 100_000; queued++) {
                try {
                    socket.receive(new DatagramPacket(buf, buf.length));
                } catch (SocketTimeoutException e) {
                    break;
                }
            }
            socket.setSoTimeout(200);
            while (Instant.now().isBefore(deadline)) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                ByteBuffer b = ByteBuffer.wrap(buf, 0, p.getLength());
                if (p.getLength() >= 28 && (buf[0] & 0xc0) == 0x80 && (buf[1] & 0xff) == 200 && b.getInt(4) == heardSsrc) {
                    return java.util.Optional.of(new SenderReport((b.getInt(8) & 0xffffL) << 16 | (b.getInt(12) & 0xffffffffL) >>> 16,
                            System.nanoTime()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return java.util.Optional.empty();
    }

    @Override
    public void close() {
        sending = false;
        if (sender != null) {
            sender.interrupt();
        }
        socket.close();
    }
}
