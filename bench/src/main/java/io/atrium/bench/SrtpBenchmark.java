package io.atrium.bench;

import io.atrium.webrtc.srtp.SrtpContext;
import io.atrium.webrtc.srtp.SrtpError;
import io.atrium.webrtc.srtp.SrtpProfile;
import io.atrium.webrtc.util.Bytes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * <b>What it measures:</b> the cost of SRTP-protecting and SRTP-unprotecting one RTP packet with
 * Atrium's own {@link SrtpContext} (RFC 3711 / RFC 7714), per profile and payload size.
 *
 * <ul>
 *   <li>{@link #protect}: rewrites the sequence number in the 12-byte header (the sender refuses to
 *       protect an index twice, so every call uses the next index; past 65535 the ROC advances
 *       exactly as on a long-lived stream) and protects the packet in place. The payload is
 *       whatever the previous call left there, which costs the same to encrypt as plaintext.</li>
 *   <li>{@link #unprotect}: copies the next of {@link #RING} pre-protected packets into a receive
 *       buffer (as a socket read would fill it) and unprotects it in place. When the ring wraps, the
 *       receiver forgets the SSRC ({@link SrtpContext#removeSsrc}) so the same indices are fresh
 *       again; that reset (one table removal and one state allocation) is amortised over
 *       {@link #RING} packets.</li>
 *   <li>{@link #copyOnly}: just the copy {@link #unprotect} does, to subtract.</li>
 * </ul>
 *
 * Packets are a 12-byte RTP header plus {@code payloadSize} octets: 160 B is a 20 ms G.711/Opus
 * audio frame, 1200 B a full video packet. Compare {@code SRTP_AEAD_AES_128_GCM} with
 * {@link JdkGcmBaseline} and {@code SRTP_AES128_CM_HMAC_SHA1_80} with {@link JdkCtrHmacBaseline}.
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED") // GCM as the server runs it
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SrtpBenchmark {
    /** Pre-protected packets per unprotect ring pass; 128 x 1.2 kB stays within L2. */
    static final int RING = 128;
    static final int HEADER = 12;
    static final int SSRC = 0x1234_5678;
    private static final int FIRST_SEQ = 0x1000;

    @Param({"SRTP_AES128_CM_HMAC_SHA1_80", "SRTP_AEAD_AES_128_GCM"})
    SrtpProfile profile;

    @Param({"160", "1200"})
    int payloadSize;

    int plainLength;
    int protectedLength;

    private SrtpContext sender;
    private byte[] sendBuf;
    private int sendSeq;

    private SrtpContext receiver;
    private byte[][] ring;
    byte[] receiveBuf;
    private int next;

    @Setup
    public void setUp() {
        byte[] key = Fixtures.bytes(profile.masterKeyLength(), 1);
        byte[] salt = Fixtures.bytes(profile.masterSaltLength(), 2);
        plainLength = HEADER + payloadSize;
        protectedLength = plainLength + profile.rtpOverhead();

        sender = new SrtpContext(profile, key, salt);
        sendBuf = new byte[protectedLength];
        writePacket(sendBuf, FIRST_SEQ);
        sendSeq = FIRST_SEQ;

        SrtpContext ringSender = new SrtpContext(profile, key, salt);
        ring = new byte[RING][];
        for (int i = 0; i < RING; i++) {
            ring[i] = new byte[protectedLength];
            writePacket(ring[i], FIRST_SEQ + i);
            int n = ringSender.protectRtp(ring[i], 0, plainLength);
            if (n != protectedLength) {
                throw new IllegalStateException("pre-protect failed: " + SrtpError.describe(n));
            }
        }
        receiver = new SrtpContext(profile, key, salt);
        receiveBuf = new byte[protectedLength];
        next = 0;
    }

    private void writePacket(byte[] buf, int seq) {
        buf[0] = (byte) 0x80;
        buf[1] = (byte) 96;
        Bytes.put16(buf, 2, seq);
        Bytes.put32(buf, 4, 90_000 + seq * 3000);
        Bytes.put32(buf, 8, SSRC);
        System.arraycopy(Fixtures.bytes(payloadSize, 3), 0, buf, HEADER, payloadSize);
    }

    /** One SRTP protect at the next index; returns the SRTP length. */
    @Benchmark
    public int protect() {
        int seq = (sendSeq + 1) & 0xFFFF;
        sendSeq = seq;
        Bytes.put16(sendBuf, 2, seq);
        return sender.protectRtp(sendBuf, 0, plainLength);
    }

    /** One receive-buffer fill plus one SRTP unprotect; returns the RTP length. */
    @Benchmark
    public int unprotect() {
        int i = next;
        if (i == RING) {
            receiver.removeSsrc(SSRC);
            i = 0;
        }
        next = i + 1;
        System.arraycopy(ring[i], 0, receiveBuf, 0, protectedLength);
        return receiver.unprotectRtp(receiveBuf, 0, protectedLength);
    }

    /** The receive-buffer fill of {@link #unprotect} alone. */
    @Benchmark
    public byte copyOnly() {
        int i = next;
        if (i == RING) {
            i = 0;
        }
        next = i + 1;
        System.arraycopy(ring[i], 0, receiveBuf, 0, protectedLength);
        return receiveBuf[protectedLength - 1];
    }
}
