package io.atrium.bench;

import io.atrium.webrtc.util.Bytes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;

/**
 * <b>What it measures:</b> the same per-packet AEAD as {@code SrtpBenchmark} with
 * {@code SRTP_AEAD_AES_128_GCM}, done the plain JDK way: {@code javax.crypto} {@code AES/GCM/NoPadding}
 * with one {@code Cipher.init} (new {@code GCMParameterSpec}) and one {@code doFinal} per packet,
 * the 12-byte RTP header as AAD, RFC 7714 section 8.1 IVs and a 16-octet tag.
 *
 * <p>Atrium's {@code AesGcm} now runs on this same JDK cipher (docs/PERFORMANCE.md, "SRTP:
 * decision"), so this is the floor for {@code SrtpBenchmark}'s GCM rows: the JDK's GCM uses the AES
 * and CLMUL (GHASH) intrinsics and pays for the per-packet {@code init}. No SRTP index estimation or
 * replay check happens here, so the SRTP numbers carry that bookkeeping on top.
 *
 * <ul>
 *   <li>{@link #seal}: new IV (next index), rewrite the sequence number, encrypt in place.</li>
 *   <li>{@link #open}: copy the next of {@link SrtpBenchmark#RING} pre-sealed packets into a receive
 *       buffer and decrypt in place, exactly the copy {@code SrtpBenchmark.unprotect} makes.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JdkGcmBaseline {
    private static final int HEADER = SrtpBenchmark.HEADER;
    private static final int RING = SrtpBenchmark.RING;
    private static final int TAG_BITS = 128;
    private static final int TAG = TAG_BITS / 8;

    @Param({"160", "1200"})
    int payloadSize;

    int plainLength;
    int sealedLength;

    private SecretKeySpec key;
    private byte[] salt;
    private Cipher sealer;
    private Cipher opener;
    private byte[] sendBuf;
    private byte[] iv;
    private long index;

    private byte[][] ring;
    private byte[][] ringIvs;
    byte[] receiveBuf;
    private int next;

    @Setup
    public void setUp() throws GeneralSecurityException {
        key = new SecretKeySpec(Fixtures.bytes(16, 1), "AES");
        salt = Fixtures.bytes(12, 2);
        sealer = Cipher.getInstance("AES/GCM/NoPadding");
        opener = Cipher.getInstance("AES/GCM/NoPadding");
        plainLength = HEADER + payloadSize;
        sealedLength = plainLength + TAG;
        sendBuf = packet(0x1000);
        iv = new byte[12];
        index = 0x1000;

        Cipher ringSealer = Cipher.getInstance("AES/GCM/NoPadding");
        ring = new byte[RING][];
        ringIvs = new byte[RING][];
        for (int i = 0; i < RING; i++) {
            ring[i] = packet(0x1000 + i);
            ringIvs[i] = new byte[12];
            formIv(salt, SrtpBenchmark.SSRC, 0x1000 + i, ringIvs[i]);
            ringSealer.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ringIvs[i]));
            ringSealer.updateAAD(ring[i], 0, HEADER);
            ringSealer.doFinal(ring[i], HEADER, payloadSize, ring[i], HEADER);
        }
        receiveBuf = new byte[sealedLength];
        next = 0;
    }

    private byte[] packet(int seq) {
        byte[] buf = new byte[sealedLength];
        buf[0] = (byte) 0x80;
        buf[1] = (byte) 96;
        Bytes.put16(buf, 2, seq);
        Bytes.put32(buf, 8, SrtpBenchmark.SSRC);
        System.arraycopy(Fixtures.bytes(payloadSize, 3), 0, buf, HEADER, payloadSize);
        return buf;
    }

    /** RFC 7714 section 8.1: 00 00 || SSRC || ROC || SEQ, XOR the 12-octet salt. */
    static void formIv(byte[] salt, int ssrc, long index, byte[] iv) {
        Bytes.put16(iv, 0, 0);
        Bytes.put32(iv, 2, ssrc);
        Bytes.put32(iv, 6, (int) (index >>> 16));
        Bytes.put16(iv, 10, (int) index & 0xFFFF);
        for (int i = 0; i < 12; i++) {
            iv[i] ^= salt[i];
        }
    }

    /** One JDK AES-GCM encryption of a packet; returns the ciphertext+tag length. */
    @Benchmark
    public int seal() throws GeneralSecurityException {
        long i = ++index;
        Bytes.put16(sendBuf, 2, (int) i & 0xFFFF);
        formIv(salt, SrtpBenchmark.SSRC, i, iv);
        sealer.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        sealer.updateAAD(sendBuf, 0, HEADER);
        return sealer.doFinal(sendBuf, HEADER, payloadSize, sendBuf, HEADER);
    }

    /** One receive-buffer fill plus one JDK AES-GCM decryption; returns the plaintext length. */
    @Benchmark
    public int open() throws GeneralSecurityException {
        int i = next == RING ? 0 : next;
        next = i + 1;
        System.arraycopy(ring[i], 0, receiveBuf, 0, sealedLength);
        opener.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ringIvs[i]));
        opener.updateAAD(receiveBuf, 0, HEADER);
        return opener.doFinal(receiveBuf, HEADER, payloadSize + TAG, receiveBuf, HEADER);
    }
}
